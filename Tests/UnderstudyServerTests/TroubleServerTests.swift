import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

@Suite("Deprecations by the server clock")
struct DeprecationTests {
    static let preview = #"{"model":"gpt-4.5-preview","messages":[{"role":"user","content":"Hello there, how are you"}]}"#

    @Test("before shutdown: served, with Deprecation, Sunset and a successor Link")
    func beforeShutdown() async throws {
        try await withServer(clock: .fixed(UTCDate.parseInstant("2025-07-01T00:00:00Z")!)) { server in
            let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.preview)
            #expect(r.status == 200)
            #expect(r.headers.first(name: "deprecation") == "@\(UTCDate.parseDay("2025-04-14")!)")
            #expect(r.headers.first(name: "sunset") == "Mon, 14 Jul 2025 00:00:00 GMT")
            #expect(r.headers.first(name: "link")?.contains(#"</v1/models/gpt-4.1>; rel="successor-version""#) == true)
            let models = try JSONParser.parse(try await TestHTTPClient.send(port: server.port, .GET, "/v1/models/gpt-4.5-preview").body)
            #expect(models["shutdown_date"] == .string("2025-07-14"))
            let current = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi there you"}]}"#)
            #expect(current.headers.first(name: "deprecation") == nil)
        }
    }

    @Test("after shutdown: OpenAI's 404 model_not_found; OpenRouter's model_deprecated naming the fallback")
    func afterShutdown() async throws {
        try await withServer(clock: .fixed(UTCDate.parseInstant("2025-08-01T00:00:00Z")!)) { server in
            let openai = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.preview)
            #expect(openai.status == 404)
            let error = try #require(try JSONParser.parse(openai.body)["error"])
            #expect(error["code"] == .string("model_not_found"))
            #expect(error["message"]?.stringValue?.hasPrefix("The model `gpt-4.5-preview` has been deprecated") == true)
            let responses = try await TestHTTPClient.send(port: server.port, .POST, "/v1/responses", json:
                #"{"model":"gpt-4.5-preview","input":"hi"}"#)
            #expect(responses.status == 404)
            let openrouter = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/chat/completions", json:
                #"{"model":"openai/gpt-4.5-preview","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(openrouter.status == 404)
            let availability = try #require(try JSONParser.parse(openrouter.body)["error"]?["availability"])
            #expect(availability["code"] == .string("model_deprecated"))
            #expect(availability["fallback_models"] == .array([.string("openai/gpt-4.1")]))
        }
    }
}

@Suite("Error catalog and per-request triggers")
struct TriggerTests {
    static let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hello there friend"}]}"#

    @Test("every scenario, in every flavour: its status, its provider's envelope, retry headers where due")
    func everyScenario() async throws {
        try await withServer { server in
            for (name, status) in ErrorCatalog.names {
                for flavor in Flavor.allCases {
                    let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.chat,
                        headers: [("content-type", "application/json"), ("x-understudy-scenario", name), ("x-understudy-flavor", flavor.rawValue)])
                    let expected = status == 402 && flavor == .aimlapi ? 403 : status
                    #expect(r.status == expected, "\(name) as \(flavor)")
                    let error = try #require(try JSONParser.parse(r.body)["error"])
                    if flavor == .openrouter {
                        #expect(error["code"] == .int(Int64(expected)), "\(name)")
                    } else {
                        #expect(error.objectValue?.keys == ["message", "type", "param", "code"], "\(name)")
                    }
                    if status == 429 && name != "insufficient-quota" || status == 503 {
                        #expect(r.headers.first(name: "retry-after") == "1", "\(name) as \(flavor)")
                    }
                }
            }
        }
    }

    @Test("Prefer: code=429 carries OpenAI's rate-limit headers; a bad name or code is a 400 that lists the good ones")
    func preferHeader() async throws {
        try await withServer { server in
            let limited = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.chat,
                headers: [("content-type", "application/json"), ("prefer", "code=429")])
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "x-ratelimit-remaining-requests") == "0")
            #expect(limited.headers.first(name: "x-ratelimit-reset-requests") == "1s")
            #expect(try JSONParser.parse(limited.body)["error"]?["message"]?.stringValue?.hasPrefix("Rate limit reached for gpt-4o") == true)
            let unknown = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.chat,
                headers: [("content-type", "application/json"), ("prefer", "scenario=meteor-strike")])
            #expect(unknown.status == 400)
            #expect(try JSONParser.parse(unknown.body)["error"]?["message"]?.stringValue?.contains("rate-limit") == true)
            let models = try await TestHTTPClient.send(port: server.port, .GET, "/v1/models", headers: [("prefer", "code=503")])
            #expect(models.status == 503)
            let health = try await TestHTTPClient.send(port: server.port, .GET, "/health", headers: [("prefer", "code=503")])
            #expect(health.status == 200)
        }
    }
}

@Suite("Stream and connection faults")
struct FaultTests {
    static let stream = #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Tell me about owls"}]}"#

    /// Reads a response that may be cut: what arrived before the connection ended.
    static func partial(port: Int, path: String = "/v1/chat/completions", json: String = stream, scenario: String,
                        flavor: String = "openai") async throws -> String {
        try await TestHTTPClient.withConnection(port: port) { connection in
            do {
                return try await connection.send(.POST, path, body: Array(json.utf8), headers: [
                    ("content-type", "application/json"), ("x-understudy-scenario", scenario), ("x-understudy-flavor", flavor)]).text
            } catch TestClientError.closedEarly(let partial) {
                return partial.text
            }
        }
    }

    @Test("stream-error: each provider's mid-stream error after the first frames, then the end; no [DONE]")
    func streamError() async throws {
        try await withServer { server in
            let openai = try await Self.partial(port: server.port, scenario: "stream-error")
            let payloads = ssePayloads(openai)
            #expect(payloads.count == Fault.framesBefore + 1)
            #expect(try JSONParser.parse(payloads.last!)["error"]?["code"] == .string("server_error"))
            #expect(!openai.contains("[DONE]"))
            let openrouter = try await Self.partial(port: server.port, scenario: "stream-error", flavor: "openrouter")
            let chunk = try JSONParser.parse(ssePayloads(openrouter).last!)
            #expect(chunk["choices"]?.arrayValue?.first?["finish_reason"] == .string("error"))
            #expect(chunk["error"]?["code"] == .int(502))
            let responses = try await Self.partial(port: server.port, path: "/v1/responses",
                json: #"{"model":"gpt-4o","input":"Tell me about owls","stream":true}"#, scenario: "stream-error")
            let events = SSEParser.events(Array(responses.utf8))
            #expect(events.suffix(2).map(\.type) == ["error", "response.failed"])
            let error = try JSONParser.parse(events[events.count - 2].data)
            #expect(error["message"] != nil && error["error"]?["message"] != nil)
        }
    }

    @Test("stream-cut and malformed-frame break the stream; connection faults; the server keeps serving")
    func cutsAndConnections() async throws {
        try await withServer { server in
            let cut = try await Self.partial(port: server.port, scenario: "stream-cut")
            #expect(ssePayloads(cut).count == Fault.framesBefore && !cut.contains("[DONE]"))
            let malformed = try await Self.partial(port: server.port, scenario: "malformed-frame")
            #expect(malformed.contains("data: {\"choices\": [{\"delta\": \n\n") && malformed.hasSuffix("data: [DONE]\n\n"))
            let request = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-understudy-scenario: %@\r\ncontent-length: \(Self.stream.utf8.count)\r\n\r\n\(Self.stream)"
            for (scenario, expected) in [("connection-reset", ""), ("close-before-answer", ""), ("garbage-then-close", "garbage")] {
                let bytes = Array(request.replacing("%@", with: scenario).utf8)
                let answer = try await TestHTTPClient.raw(port: server.port, bytes)
                #expect(expected.isEmpty ? answer.isEmpty : answer.contains(expected), "\(scenario): \(answer)")
                #expect(!answer.hasPrefix("HTTP/"), "\(scenario)")
            }
            let after = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.stream)
            #expect(after.status == 200 && after.text.hasSuffix("data: [DONE]\n\n"))
        }
    }
}

@Suite("Scenario latency over a socket")
struct LatencyTests {
    @Test("a delayed answer and a slow stream still come whole and in order, with requests pipelined behind")
    func delayed() async throws {
        let rules = """
        scenarios:
          - name: slow
            match: {path: /v1/chat/completions}
            latency: {fixed_ms: 60, first_token_ms: 40, between_chunks_ms: 40}
        """
        try await withServer(scenarios: rules) { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                try await connection.write(.POST, "/v1/chat/completions", body: Array(
                    #"{"model":"gpt-4o","stream":true,"max_tokens":5,"messages":[{"role":"user","content":"Tell me about owls"}]}"#.utf8))
                try await connection.write(.GET, "/health")
                let stream = try await connection.read()
                #expect(stream.text.hasSuffix("data: [DONE]\n\n"))
                // 8 frames 40 ms apart: even a busy reader sees several separate reads.
                #expect(stream.parts.count >= 3)
                #expect(try await connection.read().text == #"{"status":"ok"}"#)
            }
        }
    }
}

@Suite("OpenRouter's stream keep-alives and stateless Responses")
struct OpenRouterBehaviourTests {
    @Test("while a stream waits for its first token, OpenRouter sends ': OPENROUTER PROCESSING' comments")
    func keepAlive() async throws {
        let rules = "scenarios:\n  - match: {flavor: openrouter}\n    latency: {first_token_ms: 50}\n"
        let text = try await withServer(scenarios: rules) { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/chat/completions", json:
                #"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"Tell me about owls"}]}"#).text
        }
        #expect(text.hasPrefix(": OPENROUTER PROCESSING\n\ndata: {"))
        #expect(text.hasSuffix("data: [DONE]\n\n"))
    }

    @Test("OpenRouter's /responses is stateless: store and previous_response_id are refused")
    func stateless() async throws {
        try await withServer { server in
            let stored = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/responses", json:
                #"{"model":"openai/gpt-4o","input":"hi","store":true}"#)
            #expect(stored.status == 400)
            let chained = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/responses", json:
                #"{"model":"openai/gpt-4o","input":"hi","previous_response_id":"resp_1"}"#)
            #expect(chained.status == 400)
            let ok = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/responses", json: #"{"model":"openai/gpt-4o","input":"hi"}"#)
            let id = try #require(try JSONParser.parse(ok.body)["id"]?.stringValue)
            #expect(try await TestHTTPClient.send(port: server.port, .GET, "/api/v1/responses/\(id)").status == 404)
        }
    }
}

@Suite("Admin API")
struct AdminTests {
    static let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hello there friend"}]}"#

    @Test("scenarios added and removed at run time; the journal shows what fired; reset forgets")
    func scenariosAndJournal() async throws {
        try await withServer { server in
            let port = server.port
            let added = try await TestHTTPClient.send(port: port, .POST, "/__understudy/scenarios", json:
                #"{"scenarios":[{"name":"down","match":{"model":"gpt-4o"},"sequence":[{"error":"overloaded","times":1},"pass"]}]}"#)
            #expect(added.status == 200 && added.text.contains(#""added":["down"]"#))
            #expect(try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat).status == 503)
            #expect(try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat).status == 200)
            let journal = try JSONParser.parse(try await TestHTTPClient.send(port: port, .GET, "/__understudy/journal?limit=2").body)
            let entries = try #require(journal["data"]?.arrayValue)
            #expect(entries.map { $0["status"] } == [.int(200), .int(503)])
            #expect(entries.last?["scenario"] == .string("down"))
            #expect(try await TestHTTPClient.send(port: port, .POST, "/__understudy/reset").status == 200)
            #expect(try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat).status == 503)
            #expect(try await TestHTTPClient.send(port: port, .DELETE, "/__understudy/scenarios/down").status == 200)
            #expect(try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat).status == 200)
            let bad = try await TestHTTPClient.send(port: port, .POST, "/__understudy/scenarios", json: #"{"scenarios":[{"fault":"meteor"}]}"#)
            #expect(bad.status == 400 && bad.text.contains("unknown fault 'meteor'"))
        }
    }

    @Test("the clock can be set: gpt-4.5-preview is served, then past its shutdown")
    func clock() async throws {
        try await withServer(clock: .fixed(UTCDate.parseInstant("2025-07-01T00:00:00Z")!)) { server in
            let preview = #"{"model":"gpt-4.5-preview","messages":[{"role":"user","content":"hello there"}]}"#
            #expect(try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: preview).status == 200)
            let set = try await TestHTTPClient.send(port: server.port, .POST, "/__understudy/clock", json: #"{"clock":"2025-08-01T00:00:00Z"}"#)
            #expect(set.text == #"{"now":"Fri, 01 Aug 2025 00:00:00 GMT"}"#)
            #expect(try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: preview).status == 404)
        }
    }

    @Test("behind a token (as beyond loopback) it refuses requests without it; off, it is not there")
    func token() throws {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(0))
        configuration.admin = .token("s3cret")
        let guarded = MockEngine(configuration: configuration)
        #expect(guarded.respond(to: MockRequest(method: "GET", path: "/__understudy/journal")).status == 401)
        #expect(guarded.respond(to: MockRequest(method: "GET", path: "/__understudy/journal", headers: [("Authorization", "Bearer s3cret")])).status == 200)
        configuration.admin = .off
        #expect(MockEngine(configuration: configuration).respond(to: MockRequest(method: "GET", path: "/__understudy/journal")).status == 404)
    }
}

@Suite("More stream faults over a socket")
struct MoreFaultTests {
    static let stream = #"{"model":"gpt-4o","stream":true,"seed":3,"messages":[{"role":"user","content":"Tell me about owls"}]}"#

    @Test("drop-event leaves one frame out; duplicate-event sends one twice")
    func dropAndDuplicate() async throws {
        try await withServer { server in
            let whole = ssePayloads(try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.stream).text)
            func with(_ scenario: String) async throws -> [String] {
                ssePayloads(try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.stream,
                    headers: [("content-type", "application/json"), ("x-understudy-scenario", scenario)]).text)
            }
            let dropped = try await with("drop-event")
            let doubled = try await with("duplicate-event")
            #expect(dropped.count == whole.count - 1)
            #expect(doubled.count == whole.count + 1 && doubled[3] == doubled[4])
        }
    }

    @Test("stall: the first frames arrive, then silence on an open connection")
    func stall() async throws {
        try await withServer { server in
            let request = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-understudy-scenario: stall\r\ncontent-length: \(Self.stream.utf8.count)\r\n\r\n\(Self.stream)"
            // The raw client reads until the server closes; once the server has answered (its journal
            // says so), shut it down to end the read. Waiting on the journal, not a fixed sleep, keeps
            // this right on a loaded machine.
            let reader = Task { try await TestHTTPClient.raw(port: server.port, Array(request.utf8)) }
            for _ in 0..<500 where server.engine.journalEntries().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(50))
            await server.shutdown()
            let received = try await reader.value
            #expect(received.hasPrefix("HTTP/1.1 200 OK"))
            #expect(received.split(separator: "data: ", omittingEmptySubsequences: false).count - 1 == Fault.framesBefore)
            #expect(!received.contains("[DONE]"))
        }
    }
}
