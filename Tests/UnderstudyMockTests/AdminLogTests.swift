import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// The admin log compacts (issue 21): a test suite's per-test setup, however many times it runs,
/// keeps it at a few entries; a server that had applied changes compacted away replays the log
/// and agrees on the rules, their order, their generations and the clock.
@Suite("Admin log compaction")
struct AdminLogTests {
    /// A scenarios document of about 16 KB (a long comment), so that a log that only grows
    /// passes its 16 MB within the loop below.
    static func scenario(_ name: String) -> String {
        "# " + String(repeating: "x", count: 16_000) + "\nscenarios:\n  - name: \(name)\n    match: {model: gpt-4o}\n    error: rate-limit\n"
    }

    static func engine(_ state: MemoryState, scenarios: String? = nil) throws -> MockEngine {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), seed: 3, clock: .fixed(1_751_328_000))
        configuration.state = state
        if let scenarios { configuration.fixtures.scenarios = try ScenarioRule.parseAll(yaml: scenarios, file: "fixtures") }
        return MockEngine(configuration: configuration)
    }

    static func status(_ engine: MockEngine, _ method: String, _ path: String, _ body: String = "") -> Int {
        engine.respond(to: MockRequest(method: method, path: "/__understudy/" + path, body: Array(body.utf8))).status
    }

    @Test("the pytest plugin's per-test setup (reset, remove all, add, remove it) and the bare one (reset, add, remove) keep the log at a few entries")
    func perTestPatterns() throws {
        let state = MemoryState()
        let engine = try Self.engine(state)
        for test in 0..<1_200 {
            let name = "test-\(test % 7)"
            #expect(Self.status(engine, "POST", "reset") == 200)
            if test % 2 == 0 { #expect(Self.status(engine, "DELETE", "scenarios") == 200) }
            #expect(Self.status(engine, "POST", "scenarios", Self.scenario(name)) == 200)
            #expect(Self.status(engine, "DELETE", "scenarios/\(name)") == 200)
        }
        let log = state.adminChanges(after: 0)
        // 1,200 tests of 16 KB each: 19 MB uncompacted, past the 16 MB that answers 507.
        #expect(log.last >= 4_200)
        #expect(log.entries.count <= 10)
        #expect(log.entries.reduce(0) { $0 + $1.change.bytes } < 4_096)
        #expect(engine.scenarioBook.rules.isEmpty)
    }

    @Test("compaction keeps what replaying needs: removals of the fixtures' rules, the rules' order and generations, the clock")
    func replayAgrees() throws {
        let fixtures = "scenarios:\n  - name: f1\n    error: rate-limit\n  - name: f2\n    error: rate-limit\n"
        let state = MemoryState()
        let a = try Self.engine(state, scenarios: fixtures)
        let b = try Self.engine(state, scenarios: fixtures)
        func add(_ names: String...) -> String { "scenarios:\n" + names.map { "  - name: \($0)\n    error: rate-limit\n" }.joined() }
        #expect(Self.status(b, "GET", "scenarios") == 200)
        #expect(Self.status(a, "POST", "scenarios", add("r1", "r2")) == 200)      // 1
        #expect(Self.status(a, "POST", "scenarios", add("r3")) == 200)            // 2
        #expect(Self.status(a, "POST", "clock", #"{"clock":"2030-01-01T00:00:00Z"}"#) == 200)  // 3
        #expect(Self.status(b, "GET", "scenarios") == 200)  // b has applied 1…3
        #expect(Self.status(a, "DELETE", "scenarios/f1") == 200)                  // 4: a fixture's rule
        #expect(Self.status(a, "POST", "scenarios", add("r1")) == 200)            // 5: replaces r1 in place
        #expect(Self.status(a, "DELETE", "scenarios/r2") == 200)                  // 6
        #expect(Self.status(a, "POST", "reset") == 200)                           // 7: the clock set back
        #expect(Self.status(a, "DELETE", "scenarios/r3") == 200)                  // 8: document 2 goes
        let log = state.adminChanges(after: 0)
        #expect(log.entries.map(\.number) == [1, 4, 5, 6, 7, 8])
        let expected = ["f2:0", "r1:5"]
        func rules(_ engine: MockEngine) -> [String] { engine.scenarioBook.rules.map { "\($0.rule.name):\($0.generation)" } }
        #expect(rules(a) == expected)
        // b was behind the compaction: it replays the log from its fixtures.
        #expect(Self.status(b, "GET", "scenarios") == 200)
        #expect(rules(b) == expected)
        #expect(b.now() == 1_751_328_000 && a.now() == 1_751_328_000)
        // A server started now agrees too.
        let c = try Self.engine(state, scenarios: fixtures)
        #expect(Self.status(c, "GET", "scenarios") == 200)
        #expect(rules(c) == expected)
    }

    @Test("removing every scenario, and a reset or clock, drop what came before; a document is dropped once all its rules are removed")
    func compactionRules() {
        func entries(_ changes: [AdminChange]) -> [AdminLogEntry] {
            changes.enumerated().map { AdminLogEntry(number: $0.offset + 1, change: $0.element) }
        }
        let doc = "scenarios:\n  - name: a\n    error: rate-limit\n  - name: b\n    error: rate-limit\n"
        let kept = { (changes: [AdminChange]) in AdminLogCompaction.compacted(entries(changes)).map(\.number) }
        #expect(kept([.addScenarios(doc), .setClock(.fixed(1)), .removeScenarios(nil), .reset]) == [3, 4])
        #expect(kept([.addScenarios(doc), .removeScenarios("a")]) == [1, 2])
        #expect(kept([.addScenarios(doc), .removeScenarios("a"), .removeScenarios("b")]) == [2, 3])
        #expect(kept([.removeScenarios("a"), .addScenarios(doc), .removeScenarios("a")]) == [2, 3])
        // Replaced, not removed: kept (the replacement keeps its place in the list).
        #expect(kept([.addScenarios(doc), .addScenarios(doc)]) == [1, 2])
    }
}
