import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// The pipeline reads each request's body once, whatever stages look at it.
@Suite("Pipeline")
struct PipelineTests {
    static let scenarios = """
    scenarios:
      - name: owls-slow
        match: {body: {/messages/0/content: {pattern: "owls"}}}
        latency: {fixed_ms: 1}
      - name: flaky-gpt-4
        match: {model: gpt-4, flavor: openrouter}
        error: bad-gateway
    """

    static func engine(rateLimited: Bool) throws -> MockEngine {
        var fixtures = try Fixtures.embedded()
        fixtures.scenarios = try ScenarioRule.parseAll(yaml: scenarios, file: "test")
        var configuration = MockConfiguration(fixtures: fixtures, clock: .fixed(1_750_000_000))
        if rateLimited { configuration.rateLimits = RateLimiter.Limits(argument: "rpm=1000,tpm=10000000") }
        return MockEngine(configuration: configuration)
    }

    static func request(_ path: String, _ body: String, headers: [(name: String, value: String)] = []) -> MockRequest {
        MockRequest(method: "POST", path: path, headers: [("content-type", "application/json")] + headers, body: Array(body.utf8))
    }

    @Test("rate limit, scenario rules, OpenRouter fallbacks, triggers and the resource share one parse of the body",
          arguments: [false, true])
    func oneParse(rateLimited: Bool) throws {
        let engine = try Self.engine(rateLimited: rateLimited)
        let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about owls"}]}"#
        let requests = [
            Self.request("/v1/chat/completions", chat),
            Self.request("/v1/chat/completions", #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"larks"}]}"#),
            Self.request("/api/v1/chat/completions", #"{"model":"openai/gpt-4","models":["openai/gpt-4o"],"messages":[{"role":"user","content":"hi"}]}"#),
            Self.request("/v1/chat/completions", chat, headers: [("x-understudy-scenario", "stream-error")]),
            Self.request("/v1/responses", #"{"model":"gpt-4o","input":"Tell me about owls"}"#),
            Self.request("/v1/embeddings", #"{"model":"text-embedding-3-small","input":"owls"}"#),
            Self.request("/v1/chat/completions", #"{"model":"no-such-model","messages":[]}"#),
            Self.request("/v1/chat/completions", "{not json"),
        ]
        for request in requests {
            let before = engine.bodyParses.value
            let response = engine.respond(to: request)
            #expect(response.status != 0)
            #expect(engine.bodyParses.value - before == 1, "\(request.path) \(String(decoding: request.body, as: UTF8.self))")
        }
    }

    @Test("a repeat served from its template is not parsed at all")
    func repeatNotParsed() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(1_750_000_000)))
        let request = Self.request("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}"#)
        _ = engine.respond(to: request)
        _ = engine.respond(to: request)  // a template is kept from the second sighting on
        let before = engine.bodyParses.value
        let repeated = engine.respond(to: request)
        #expect(repeated.status == 200)
        #expect(engine.bodyParses.value == before)
    }

    @Test("the route table: names, 405 Allow lists, the most literal template first, a provider's slash kept")
    func routeTable() {
        #expect(Route(method: "POST", path: "/v1/responses/compact").name == "compactResponse")
        #expect(Route(method: "GET", path: "/v1/responses/resp_1").name == "getResponse")
        #expect(Route(method: "GET", path: "/api/v1/models/openai/gpt-4o").id == "openai/gpt-4o")
        #expect(Route(method: "DELETE", path: "/v1/models/ft:gpt-4o-mini:acme::x").name == "deleteModel")
        guard case .methodNotAllowed(let allowed) = Route(method: "PUT", path: "/v1/chat/completions/chatcmpl-1").kind else {
            Issue.record("PUT on a stored completion is a 405")
            return
        }
        #expect(allowed == ["GET", "POST", "DELETE"])
        guard case .methodNotAllowed(let health) = Route(method: "POST", path: "/health").kind else {
            Issue.record("POST /health is a 405")
            return
        }
        #expect(health == ["GET"])
        #expect(Route(method: "HEAD", path: "/healthz").name == "health")
        #expect(Route(method: "GET", path: "/v1/responses//input_items").name == "not_found")
        #expect(Route(method: "GET", path: "/__understudy/journal").name == "admin")
        #expect(Route(method: "GET", path: "/__understudy").name == "not_found")
    }

    /// An answer is moved through every stage and finisher as a value: it stays a few words, its
    /// stream plan (~500 bytes) boxed. Inline, every canned request copied 672 bytes about fifteen
    /// times (7,300 instructions of memcpy under bench/instructions canned).
    @Test("a response and a stage's decision stay small values")
    func responsesStaySmall() {
        #expect(MemoryLayout<StreamPlan>.size > 256)  // what the box keeps out of the answer
        #expect(MemoryLayout<MockResponse>.size <= 192)
        #expect(MemoryLayout<StageDecision>.size <= 192)
        #expect(MemoryLayout<ResponseTemplateCache.Template>.size <= 128)
    }
}
