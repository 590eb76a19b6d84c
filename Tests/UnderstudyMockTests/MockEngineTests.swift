import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// The engine without a socket: request in, response out.
@Suite("Mock engine")
struct MockEngineTests {
    static func engine(seed: UInt64 = 0) throws -> MockEngine {
        MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), seed: seed, clock: .fixed(1_700_000_000)))
    }

    static func post(_ engine: MockEngine, _ json: String, path: String = "/v1/chat/completions") throws -> (Int, JSONValue) {
        let response = engine.respond(to: MockRequest(method: "POST", path: path, headers: [("Content-Type", "application/json")], body: Array(json.utf8)))
        guard case .bytes(let bytes) = response.body else { throw MockEngineTestError.streamed }
        return (response.status, try JSONParser.parse(bytes))
    }

    enum MockEngineTestError: Error { case streamed }

    @Test("a reply rule gives its canned text and usage")
    func replyRule() throws {
        let (status, body) = try Self.post(try Self.engine(), #"{"model":"gpt-4","messages":[{"role":"user","content":"ping"}]}"#)
        #expect(status == 200)
        #expect(body["choices"]?.arrayValue?.first?["message"]?["content"] == .string("pong"))
        #expect(body["usage"]?["prompt_tokens"] == .int(8))
        #expect(body["usage"]?["completion_tokens"] == .int(1))
        #expect(body["usage"]?["total_tokens"] == .int(9))
        #expect(body["model"] == .string("gpt-4-0613"))
        #expect(body["system_fingerprint"] == .null)
    }

    @Test("images count by detail: a remote URL at high detail costs 765 tokens, at low 85")
    func imageParts() throws {
        let engine = try Self.engine()
        func prompt(_ detail: String) throws -> Int64? {
            let json = #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/a.jpg","detail":"\#(detail)"}}]}]}"#
            return try Self.post(engine, json).1["usage"]?["prompt_tokens"]?.integerValue
        }
        let high = try #require(try prompt("high"))
        let low = try #require(try prompt("low"))
        #expect(high - low == 765 - 85)
    }

    @Test("the model is reported as OpenAI does: the snapshot for an alias, the dated id as given")
    func reportedModel() throws {
        let engine = try Self.engine()
        let ask = { (model: String) throws -> JSONValue? in
            try Self.post(engine, #"{"model":"\#(model)","messages":[{"role":"user","content":"Name a fruit"}]}"#).1["model"]
        }
        #expect(try ask("openai/gpt-4o") == .string("gpt-4o-2024-08-06"))
        #expect(try ask("gpt-4.1") == .string("gpt-4.1-2025-04-14"))
        #expect(try ask("gpt-4o-2024-08-06") == .string("gpt-4o-2024-08-06"))
    }

    @Test("reasoning effort scales reasoning tokens; a small budget is eaten by reasoning first")
    func reasoningBudget() throws {
        let engine = try Self.engine()
        let (_, minimal) = try Self.post(engine, #"{"model":"gpt-5","reasoning_effort":"minimal","messages":[{"role":"user","content":"Name a fruit"}]}"#)
        #expect(minimal["usage"]?["completion_tokens_details"]?["reasoning_tokens"] == .int(0))
        let (_, tight) = try Self.post(engine, #"{"model":"gpt-5","max_completion_tokens":50,"messages":[{"role":"user","content":"Name a fruit"}]}"#)
        let choice = tight["choices"]?.arrayValue?.first
        #expect(choice?["finish_reason"] == .string("length"))
        #expect(choice?["message"]?["content"] == .string(""))
        #expect(tight["usage"]?["completion_tokens"] == .int(50))
        #expect(tight["usage"]?["completion_tokens_details"]?["reasoning_tokens"] == .int(50))
        let (status, temperature) = try Self.post(engine, #"{"model":"gpt-5","temperature":0.2,"messages":[{"role":"user","content":"x"}]}"#)
        #expect(status == 400)
        #expect(temperature["error"]?["param"] == .string("temperature"))
    }

    @Test("a stream plan and a JSON body of the same conversation carry the same text")
    func streamMatchesJSON() throws {
        let engine = try Self.engine()
        let json = #"{"model":"gpt-4o","seed":1,"messages":[{"role":"user","content":"Describe autumn"}]}"#
        let stream = #"{"model":"gpt-4o","seed":1,"stream":true,"messages":[{"role":"user","content":"Describe autumn"}]}"#
        let text = try Self.post(engine, json).1["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
        let response = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(stream.utf8)))
        guard case .stream(let plan) = response.body else { Issue.record("not a stream"); return }
        var streamed = ""
        for frame in plan.frames.remaining().dropLast() {
            let chunk = try JSONParser.parse(frame.dropFirst(6).dropLast(2))
            streamed += chunk["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue ?? ""
        }
        #expect(streamed == text)
    }

    @Test("prose is about the prompt's topic and reads as sentences")
    func prose() {
        var rng = SplitMix64(seed: 9)
        let text = ProseGenerator.reply(to: "How do volcanoes erupt?", targetTokens: 60, using: &rng)
        #expect(text.contains("volcanoes"))
        #expect(TokenPieces.count(text) >= 40)
        #expect(text.first?.isUppercase == true)
        #expect([".", "?", "!"].contains(text.last))
        #expect(!text.lowercased().contains("lorem"))
    }
}

@Suite("Repeatable response templates")
struct ResponseTemplateTests {
    /// A sequence with repeats of repeatable requests (canned reply, seed, temperature 0) and of
    /// ones that are not, on both base paths.
    static let sequence: [(String, String)] = [
        ("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","seed":3,"messages":[{"role":"user","content":"Tell me about ferns"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}"#),
        ("/api/v1/chat/completions", #"{"model":"openai/gpt-5","temperature":0,"messages":[{"role":"user","content":"ping"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","seed":3,"messages":[{"role":"user","content":"Tell me about ferns"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about moss"}]}"#),
        ("/api/v1/chat/completions", #"{"model":"openai/gpt-5","temperature":0,"messages":[{"role":"user","content":"ping"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about moss"}]}"#),
        // Streams, a stand-in for an unknown model (its header), a spoken answer (its audio id).
        ("/v1/chat/completions", #"{"model":"gpt-4o","stream":true,"temperature":0,"messages":[{"role":"user","content":"Tell me about moss"}]}"#),
        ("/api/v1/chat/completions", #"{"model":"openai/gpt-4o","stream":true,"seed":1,"messages":[{"role":"user","content":"Tell me about moss"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"temperature":0,"messages":[{"role":"user","content":"Tell me about moss"}]}"#),
        ("/v1/chat/completions", #"{"model":"acme-llm-7","temperature":0,"messages":[{"role":"user","content":"ping"}]}"#),
        ("/v1/chat/completions", #"{"model":"gpt-4o-audio-preview","temperature":0,"modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"},"messages":[{"role":"user","content":"ping"}]}"#),
    ]

    static func transcript(caching: Bool) throws -> [String] {
        var fixtures = try Fixtures.embedded()
        fixtures.catalog.openDefault = "gpt-4o"
        let engine = MockEngine(configuration: MockConfiguration(
            fixtures: fixtures, seed: 11, clock: .fixed(1_700_000_000), cacheRepeatableResponses: caching))
        // Each request three times: a template is kept from the second, and serves the third.
        return (sequence + sequence + sequence).map { path, json in
            let r = engine.respond(to: MockRequest(method: "POST", path: path, body: Array(json.utf8)))
            var body: [UInt8] = []
            switch r.body {
            case .bytes(let bytes): body = bytes
            case .stream(var plan): while let frame = plan.frames.next() { body += frame }
            case .fault(let fault): body = Array("\(fault)".utf8)
            }
            return "\(r.status) \(r.headers.map { "\($0.name)=\($0.value)" }) \(String(decoding: body, as: UTF8.self))"
        }
    }

    @Test("serving repeats from templates gives exactly the bytes of the full path")
    func sameBytes() throws {
        let cached = try Self.transcript(caching: true)
        let full = try Self.transcript(caching: false)
        #expect(cached == full)
        // Repeats differ (new ids) but a canned reply keeps its text.
        #expect(cached[0] != cached[2])
        #expect(cached[2].contains("Hello! How can I help you today?"))
        #expect(cached.filter { $0.contains("data: [DONE]") }.count == 9)
        #expect(cached.contains { $0.contains("x-understudy-model-stand-in=") })
    }

    @Test("a repeated stream is served from its template: not parsed, the same frames with this occurrence's id")
    func streamTemplate() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(1_750_000_000)))
        let request = MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(
            #"{"model":"gpt-4o","stream":true,"temperature":0,"messages":[{"role":"user","content":"Describe a market"}]}"#.utf8))
        func frames(_ response: MockResponse) -> [String] {
            guard case .stream(var plan) = response.body else { return [] }
            var frames: [String] = []
            while let frame = plan.frames.next() { frames.append(String(decoding: frame, as: UTF8.self)) }
            return frames
        }
        let first = frames(engine.respond(to: request))
        _ = engine.respond(to: request)  // a template is kept from the second sighting on
        let parses = engine.bodyParses.value
        let second = frames(engine.respond(to: request))
        #expect(engine.bodyParses.value == parses)
        #expect(first.count == second.count && first.count > 10)
        let id = { (frame: String) in frame.firstRange(of: "chatcmpl-").map { String(frame[$0.lowerBound...].prefix(38)) } }
        #expect(id(first[0]) != nil && id(first[0]) != id(second[0]))
        #expect(Set(second.dropLast().map(id)).count == 1)
    }
}
