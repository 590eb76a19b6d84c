import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// Issue 21, item 1: reply rules meet every chat request's text; a plausible rule that made
/// Swift's backtracking `Regex` take minutes is answered at once, and what cannot be matched in
/// linear time is a load error at its file:line.
@Suite("Reply rule patterns", .timeLimit(.minutes(1)))
struct ReplyRulePatternTests {
    static func reply(_ engine: MockEngine, _ text: String) throws -> String? {
        let body = ##"{"model":"gpt-4o","messages":[{"role":"user","content":"\##(text)"}]}"##
        let r = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(body.utf8)))
        guard case .bytes(let bytes) = r.body else { return nil }
        return try JSONParser.parse(bytes)["choices"]?[0]?["message"]?["content"]?.stringValue
    }

    @Test("last_user ^(\\w+\\s?)+\\?$ against a 16-word message: no match without '?', a match with it")
    func hostileRule() throws {
        var fixtures = try Fixtures.embedded()
        fixtures.replies = try ReplyRule.parseAll(yaml: #"""
        replies:
          - name: questions
            match: {last_user: "^(\\w+\\s?)+\\?$"}
            reply: "A question!"
        """#, file: "replies.yaml", catalog: fixtures.catalog)
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, clock: .fixed(0)))
        let words = Array(repeating: "word", count: 16).joined(separator: " ")
        #expect(try Self.reply(engine, words) != "A question!")
        #expect(try Self.reply(engine, words + "?") == "A question!")
    }

    @Test("a backreference or lookaround in last_user is a load error at its file:line", arguments: ["(a)\\\\1", "a(?=b)"])
    func refused(_ pattern: String) throws {
        let catalog = try Fixtures.embedded().catalog
        let yaml = "replies:\n  - name: r\n    match: {last_user: \"\(pattern)\"}\n    reply: x\n"
        #expect {
            _ = try ReplyRule.parseAll(yaml: yaml, file: "replies.yaml", catalog: catalog)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("replies.yaml:3:") && text.contains("not supported")
        }
    }
}
