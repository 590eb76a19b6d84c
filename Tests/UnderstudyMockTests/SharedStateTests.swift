import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// The seam issue 13 asks for, without Redis: engines that share one `ServerState` answer as one
/// engine does. (Tests/clients/test_replicas.py does the same with Redis and real processes.)
@Suite("Engines sharing one state")
struct SharedStateTests {
    static func engines(_ count: Int, state: (any ServerState)?, scenarios: String? = nil) throws -> [MockEngine] {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), seed: 3, clock: .fixed(1_751_328_000))
        configuration.state = state
        configuration.rateLimits = RateLimiter.Limits(argument: "rpm=4")
        let engines = (0..<count).map { _ in MockEngine(configuration: configuration) }
        if let scenarios { try engines[0].addScenarios(yaml: scenarios) }
        return engines
    }

    static func send(_ engine: MockEngine, _ method: String, _ path: String, _ json: String? = nil) -> (Int, [UInt8]) {
        let response = engine.respond(to: MockRequest(method: method, path: path, headers: [("Content-Type", "application/json")],
                                                      body: Array((json ?? "").utf8)))
        switch response.body {
        case .bytes(let bytes): return (response.status, bytes)
        case .stream(let plan): return (response.status, plan.frames.remaining().flatMap { $0 })
        case .fault: return (response.status, [])
        }
    }

    /// A sequence that stores, chains, repeats and is rate limited; each request to the next engine.
    static func run(_ engines: [MockEngine]) throws -> [(Int, [UInt8])] {
        var next = 0
        func send(_ method: String, _ path: String, _ json: String? = nil) -> (Int, [UInt8]) {
            defer { next += 1 }
            return Self.send(engines[next % engines.count], method, path, json)
        }
        var out: [(Int, [UInt8])] = []
        out.append(send("POST", "/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#))
        out.append(send("POST", "/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#))
        let first = send("POST", "/v1/responses", #"{"model":"gpt-4.1","input":"Name a lake."}"#)
        out.append(first)
        let id = try #require(try JSONParser.parse(first.1)["id"]?.stringValue)
        out.append(send("POST", "/v1/responses", #"{"model":"gpt-4.1","input":"And a sea?","previous_response_id":"\#(id)"}"#))
        out.append(send("GET", "/v1/responses/\(id)"))
        out.append(send("POST", "/v1/chat/completions", #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}"#))
        out.append(send("GET", "/__understudy/journal"))
        return out
    }

    @Test("two and three engines on one MemoryState give one engine's bytes, rate limit and journal included")
    func sameBytes() throws {
        let single = try Self.run(try Self.engines(1, state: nil))
        #expect(single.map(\.0) == [200, 200, 200, 200, 200, 429, 200])
        for count in [2, 3] {
            let shared = try Self.run(try Self.engines(count, state: MemoryState()))
            #expect(shared.map(\.0) == single.map(\.0))
            for (a, b) in zip(shared, single) { #expect(a.1 == b.1) }
        }
        // Apart, each engine keeps its own: the chain is unknown to the second one.
        let apart = try Self.run(try Self.engines(2, state: nil))
        #expect(apart[3].0 == 400)
    }

    @Test("a scenario sequence and an admin clock count across engines")
    func scenariosAndClock() throws {
        let rule = "scenarios:\n  - name: twice\n    match: {model: gpt-4o}\n    sequence:\n      - {error: {status: 429}, times: 2}\n      - pass\n"
        let engines = try Self.engines(2, state: MemoryState(), scenarios: rule)
        let body = #"{"model":"gpt-4o","messages":[{"role":"user","content":"y"}]}"#
        let statuses = (0..<3).map { Self.send(engines[$0 % 2], "POST", "/v1/chat/completions", body).0 }
        #expect(statuses == [429, 429, 200])
        #expect(engines[1].knowsScenario("twice"))
        #expect(Self.send(engines[0], "POST", "/__understudy/clock", #"{"clock":"2026-01-02T03:04:05Z"}"#).0 == 200)
        _ = Self.send(engines[1], "GET", "/v1/models")
        #expect(engines[1].now() == 1_767_323_045)
    }

    @Test("records round-trip through their encoding: a stored response, completion and conversation")
    func recordEncodings() throws {
        let state = MemoryState()
        let engine = try Self.engines(1, state: state)[0]
        let tool = #"{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}"#
        let created = Self.send(engine, "POST", "/v1/responses",
                                #"{"model":"gpt-4.1","input":[{"role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]}],"tools":[\#(tool)],"tool_choice":"required"}"#)
        let id = try #require(try JSONParser.parse(created.1)["id"]?.stringValue)
        let stored = try #require(try state.use(StoredResponse.self, id))
        let decoded = try #require(StoredResponse(encoded: stored.encoded()))
        #expect(ResponsesEncoder.json(decoded.plan) == ResponsesEncoder.json(stored.plan))
        #expect(ResponsesStreamEncoder.frames(decoded.plan) == ResponsesStreamEncoder.frames(stored.plan))
        #expect(decoded.encoded() == stored.encoded())
        _ = Self.send(engine, "POST", "/v1/chat/completions", #"{"model":"gpt-4o","store":true,"messages":[{"role":"user","content":"keep"}]}"#)
        let completion = try #require(try state.all(StoredChatCompletion.self).first)
        #expect(StoredChatCompletion(encoded: completion.encoded())?.encoded() == completion.encoded())
        let conversation = Self.send(engine, "POST", "/v1/conversations", #"{"items":[{"type":"message","role":"user","content":"hello"}]}"#)
        let cid = try #require(try JSONParser.parse(conversation.1)["id"]?.stringValue)
        let kept = try #require(try state.use(StoredConversation.self, cid))
        #expect(StoredConversation(encoded: kept.encoded())?.encoded() == kept.encoded())
        #expect(StoredResponse(encoded: Array("{}".utf8)) == nil)
    }

    @Test("the admin log is bounded: past 16 MB of changes the next one is refused with 507, nothing added")
    func adminLogBound() throws {
        let state = MemoryState()
        let big = String(repeating: "#", count: 9 << 20)
        #expect(try state.append(.addScenarios(big)) == 1)
        #expect(throws: APIError.adminLogFull("16 MB of admin changes")) { try state.append(.addScenarios(big)) }
        #expect(try state.adminChanges(after: 0).entries.count == 1)
        #expect(try state.append(.reset) == 2)
    }
}
