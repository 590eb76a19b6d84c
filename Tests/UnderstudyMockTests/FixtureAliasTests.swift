import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// Fixture files go through YAMLTree, which shares an alias's subtree; reading one walks every copy.
/// An alias bomb is refused at the alias that passes the limit, as in specs (HostileSpecTests).
@Suite("YAML aliases in fixture files")
struct FixtureAliasTests {
    /// Ten levels of ten aliases each (10^10 leaves if expanded), as the keys of a mapping
    /// indented by `indent`, starting on `firstLine`. The alias that passes 1,000,000 nodes is the
    /// eighth on the `a5` line (a1…a4 add 123,440 nodes, each `*a4` 111,111): `firstLine + 5`.
    static func bomb(indent: String) -> String {
        var yaml = indent + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            yaml += indent + "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return yaml
    }

    /// A scenario whose body match holds the bomb: reading the match walks it as JSON.
    static let scenarios = "scenarios:\n  - name: bomb\n    error: rate-limit\n    match:\n      body:\n" + bomb(indent: "        ")

    static func refused(_ error: FixtureError, file: String, line: Int) -> Bool {
        error.file == file && error.line == line && error.message.contains("alias bomb")
    }

    @Test("a scenarios file: refused with file:line of the alias that passes the limit")
    func scenarioFile() {
        #expect {
            _ = try ScenarioRule.parseAll(yaml: Self.scenarios, file: "s.yaml")
        } throws: { error in
            guard let error = error as? FixtureError else { return false }
            return Self.refused(error, file: "s.yaml", line: 11)
        }
    }

    @Test("models.yaml and replies.yaml: the same bound")
    func modelsAndReplies() throws {
        #expect {
            _ = try ModelCatalog.parse(yaml: "x:\n" + Self.bomb(indent: "  ") + "models: []\n", file: "models.yaml")
        } throws: { error in
            guard let error = error as? FixtureError else { return false }
            return Self.refused(error, file: "models.yaml", line: 7)
        }
        let catalog = try Fixtures.embedded().catalog
        #expect {
            _ = try ReplyRule.parseAll(yaml: Self.bomb(indent: ""), file: "replies.yaml", catalog: catalog)
        } throws: { error in
            guard let error = error as? FixtureError else { return false }
            return Self.refused(error, file: "replies.yaml", line: 6)
        }
    }

    @Test("the admin API answers a bomb with a 400 and keeps serving")
    func admin() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(0)))
        let added = engine.respond(to: MockRequest(method: "POST", path: "/__understudy/scenarios", body: Array(Self.scenarios.utf8)))
        #expect(added.status == 400)
        guard case .bytes(let body) = added.body else { Issue.record("not a body"); return }
        let message = try JSONParser.parse(body)["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("request body:11:") && message.contains("alias bomb"), "\(message)")
        #expect(engine.respond(to: MockRequest(method: "GET", path: "/v1/models")).status == 200)
    }

    @Test("ordinary aliases still work")
    func ordinaryAliases() throws {
        let rules = try ScenarioRule.parseAll(yaml: """
        scenarios:
          - name: first
            match: {model: &model gpt-4o}
            error: rate-limit
          - name: second
            match: {model: *model}
            error: server-error
        """, file: "s.yaml")
        #expect(rules.map(\.match.model) == ["gpt-4o", "gpt-4o"])
    }
}
