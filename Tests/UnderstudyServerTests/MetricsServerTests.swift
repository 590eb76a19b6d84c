import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

@Suite("Prometheus metrics at GET /metrics")
struct MetricsServerTests {
    static let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about owls"}]}"#
    static let stream = #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me about bees"}]}"#
    static let rules = """
    scenarios:
      - name: team-red-limited
        match: {header: {x-team: red}}
        error: rate-limit
    """

    @Test("requests, tokens, 429s and stream timing counted exactly; labels bounded; the same text for the same counts")
    func counts() async throws {
        try await withServer(scenarios: Self.rules) { server in
            let port = server.port
            var tokensIn: Int64 = 0, tokensOut: Int64 = 0
            for _ in 0..<3 {  // the third is a repeat served from a template: counted the same
                let usage = try JSONParser.parse(try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat).body)["usage"]
                tokensIn += try #require(usage?["prompt_tokens"]?.integerValue)
                tokensOut += try #require(usage?["completion_tokens"]?.integerValue)
            }
            let streamed = try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.stream)
            let payloads = ssePayloads(streamed.text)
            let usage = try JSONParser.parse(try #require(payloads.dropLast().last))["usage"]
            tokensIn += try #require(usage?["prompt_tokens"]?.integerValue)
            tokensOut += try #require(usage?["completion_tokens"]?.integerValue)
            let response = try await TestHTTPClient.send(port: port, .POST, "/v1/responses", json: #"{"model":"gpt-4o","input":"Tell me about moles"}"#)
            let responseUsage = try JSONParser.parse(response.body)["usage"]
            tokensIn += try #require(responseUsage?["input_tokens"]?.integerValue)
            tokensOut += try #require(responseUsage?["output_tokens"]?.integerValue)

            let unknown = try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions",
                                                        json: #"{"model":"my-private-model-7","messages":[{"role":"user","content":"Hi"}]}"#)
            let headers = [("content-type", "application/json")]
            let preferred = try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat, headers: headers + [("prefer", "code=429")])
            let ruled = try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat, headers: headers + [("x-team", "red")])
            let madeUp = try await TestHTTPClient.send(port: port, .POST, "/v1/chat/completions", json: Self.chat,
                                                       headers: headers + [("x-understudy-scenario", "made-up-scenario-9")])
            #expect([unknown.status, preferred.status, ruled.status, madeUp.status] == [404, 429, 429, 400])
            _ = try await TestHTTPClient.send(port: port, .GET, "/v1/models")

            let scrape = try await TestHTTPClient.send(port: port, .GET, "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.headers.first(name: "content-type") == "text/plain; version=0.0.4; charset=utf-8")
            let samples = Self.samples(scrape.text)
            func requests(_ route: String, _ model: String, _ status: Int, _ scenario: String = "none") -> Double? {
                samples[#"understudy_requests_total{route="\#(route)",model="\#(model)",status="\#(status)",scenario="\#(scenario)"}"#]
            }
            #expect(requests("createChatCompletion", "openai/gpt-4o", 200) == 4)
            #expect(requests("createResponse", "openai/gpt-4o", 200) == 1)
            #expect(requests("createChatCompletion", "other", 404) == 1)
            #expect(requests("createChatCompletion", "openai/gpt-4o", 429, "code=429") == 1)
            #expect(requests("createChatCompletion", "openai/gpt-4o", 429, "team-red-limited") == 1)
            #expect(requests("createChatCompletion", "openai/gpt-4o", 400, "other") == 1)
            #expect(requests("listModels", "none", 200) == 1)
            #expect(samples.keys.filter { $0.hasPrefix("understudy_requests_total") }.count == 7)
            #expect(samples[#"understudy_rate_limited_total{route="createChatCompletion",model="openai/gpt-4o"}"#] == 2)
            #expect(samples[#"understudy_tokens_total{direction="in",model="openai/gpt-4o"}"#] == Double(tokensIn))
            #expect(samples[#"understudy_tokens_total{direction="out",model="openai/gpt-4o"}"#] == Double(tokensOut))
            #expect(!scrape.text.contains("my-private-model-7") && !scrape.text.contains("made-up-scenario-9"))
            // One stream: one first frame, a gap before each later frame; none left in flight.
            #expect(samples["understudy_streams_in_flight"] == 0)
            #expect(samples["understudy_time_to_first_token_seconds_count"] == 1)
            #expect(samples[#"understudy_time_to_first_token_seconds_bucket{le="+Inf"}"#] == 1)
            #expect(samples["understudy_inter_token_seconds_count"] == Double(payloads.count - 1))
            #expect(samples["understudy_contract_violations_total"] == nil)

            // Scrapes are not counted: the next one reads the same, byte for byte, families in order.
            let again = try await TestHTTPClient.send(port: port, .GET, "/metrics")
            #expect(again.text == scrape.text)
            let families = scrape.text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
            #expect(families == families.sorted() && families.count == 6)
            let head = try await TestHTTPClient.send(port: port, .HEAD, "/metrics")
            #expect(head.status == 200 && head.body.isEmpty && head.headers.first(name: "content-length") == String(scrape.body.count))
            #expect(try await TestHTTPClient.send(port: port, .POST, "/metrics").status == 405)
        }
    }

    @Test("a stream is in flight until it ends, and ends once when its client goes away mid-stream")
    func abandonedStream() async throws {
        let slow = "scenarios:\n  - name: slow\n    match: {path: /v1/chat/completions}\n    latency: {between_chunks_ms: 200}\n"
        try await withServer(scenarios: slow) { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                try await connection.write(.POST, "/v1/chat/completions", body: Array(Self.stream.utf8))
                #expect(try await Self.poll(server.port, "understudy_streams_in_flight", until: 1))
            }  // closed after a frame or two of about ten
            #expect(try await Self.poll(server.port, "understudy_streams_in_flight", until: 0))
            let samples = Self.samples(try await TestHTTPClient.send(port: server.port, .GET, "/metrics").text)
            #expect(samples["understudy_time_to_first_token_seconds_count"] == 1)
            #expect(samples[#"understudy_requests_total{route="createChatCompletion",model="openai/gpt-4o",status="200",scenario="slow"}"#] == 1)
        }
    }

    @Test("--metrics off: no /metrics; the admin API's rule: 404 when it is off, 401 without its token")
    func access() async throws {
        try await withServer(configure: { $0.metrics = false }) { server async throws in
            #expect(server.metrics == nil)
            #expect(try await TestHTTPClient.send(port: server.port, .GET, "/metrics").status == 404)
        }
        for (admin, status) in [(AdminAccess.off, 404), (.token("sekrit"), 401)] {
            var configuration = MockConfiguration(fixtures: try Fixtures.embedded())
            configuration.admin = admin
            var serverConfiguration = ServerConfiguration()
            serverConfiguration.port = 0
            let server = try await UnderstudyServer.start(engine: MockEngine(configuration: configuration), configuration: serverConfiguration)
            let denied = try await TestHTTPClient.send(port: server.port, .GET, "/metrics")
            let allowed = try await TestHTTPClient.send(port: server.port, .GET, "/metrics", headers: [("authorization", "Bearer sekrit")])
            await server.shutdown()
            #expect(denied.status == status && denied.text.contains(#""error""#))
            #expect(allowed.status == (admin == .off ? 404 : 200))
        }
    }

    /// Sample lines by name and labels (as written) to value.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return samples
    }

    /// Scrapes until `sample` reads `value` (true), or gives up after about 10 s (false).
    static func poll(_ port: Int, _ sample: String, until value: Double) async throws -> Bool {
        for _ in 0..<500 {
            if samples(try await TestHTTPClient.send(port: port, .GET, "/metrics").text)[sample] == value { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
