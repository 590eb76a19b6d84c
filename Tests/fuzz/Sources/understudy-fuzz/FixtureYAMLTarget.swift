@testable import UnderstudyMock

extension FuzzTarget {
    /// Scenario YAML as the admin API takes it (and `--scenarios FILE` reads it), then requests a
    /// rule may match: a rule is checked at load, so no request it shapes can trap or be invalid
    /// HTTP. The same text as models.yaml and as replies.yaml (the other files read through YAMLTree).
    static let fixtureYAML = FuzzTarget(name: "fixture-yaml", summary: "scenario YAML via the admin API, then matching requests; models.yaml, replies.yaml",
                                        prepare: Shared.warmUp) { input in
        let text = String(decoding: input, as: UTF8.self)
        _ = try? ModelCatalog.parse(yaml: text, file: "models.yaml")
        var fixtures = Shared.fixtures
        let replies = try? ReplyRule.parseAll(yaml: text, file: "replies.yaml", catalog: fixtures.catalog)
        if let replies { fixtures.replies = replies }
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, seed: 1, clock: .fixed(0)))
        let added = engine.respond(to: MockRequest(method: "POST", path: "/__understudy/scenarios", body: Array(input)))
        Shared.check(added)
        guard added.status == 200 || replies != nil else { return }
        for request in requests { Shared.check(engine.respond(to: request)) }
    }

    /// One of each kind of request a scenario or reply rule may shape.
    private static let requests: [MockRequest] = {
        let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"What is the weather in Paris?"}]"#
        let json: [(name: String, value: String)] = [("content-type", "application/json")]
        return [
            MockRequest(method: "POST", path: "/v1/chat/completions", headers: json, body: Array((chat + "}").utf8)),
            MockRequest(method: "POST", path: "/v1/chat/completions", headers: json, body: Array((chat + #","stream":true,"stream_options":{"include_usage":true}}"#).utf8)),
            MockRequest(method: "POST", path: "/api/v1/chat/completions", headers: json, body: Array(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}"#.utf8)),
            MockRequest(method: "POST", path: "/v1/responses", headers: json, body: Array(#"{"model":"gpt-4o","input":"hi","stream":true}"#.utf8)),
            MockRequest(method: "GET", path: "/v1/models"),
        ]
    }()
}
