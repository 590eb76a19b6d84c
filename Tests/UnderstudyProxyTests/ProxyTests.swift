// The proxy over real sockets: client → proxy → upstream Understudy, then the recording replayed.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyProxy
import UnderstudyTesting

@Suite struct ProxyTests {
    static let secret = "sk-proxy-test-secret-0123456789"
    static let slowStreams = """
        scenarios:
          - name: slow-stream
            match: {body: {/stream: true}}
            latency: {first_token_ms: 30, between_chunks_ms: 10}
        """

    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        /// How many pieces the body arrived in.
        var pieces: Int
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
    }

    static func post(_ http: HTTPClient, _ url: String, _ json: String) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "authorization", value: "Bearer \(secret)")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await http.execute(request, timeout: .seconds(30))
        var body: [UInt8] = []
        var pieces = 0
        for try await piece in response.body {
            body += piece.readableBytesView
            pieces += 1
        }
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body, pieces: pieces)
    }

    static func validator(yaml: String? = nil) throws -> ExchangeValidator {
        guard let yaml else { return try OpenAIContract.embedded().exchanges }
        return try ExchangeValidator(document: SpecDocument.parse(Array(yaml.utf8), file: "specs/openai.yaml"))
    }

    static func temporaryDirectory() -> String {
        var template = Array("\(NSTemporaryDirectory())/understudy-proxy-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!)
    }

    static let requests: [(path: String, body: String)] = [
        ("/v1/chat/completions", #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}"#),
        ("/v1/chat/completions", #"{"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Tell me about owls"}]}"#),
        ("/v1/responses", #"{"model": "gpt-4o", "input": "Name three rivers.", "stream": true}"#),
        ("/v1/chat/completions", #"{"model": "no-such-model", "messages": [{"role": "user", "content": "Hello"}]}"#),
    ]

    @Test func recordsRedactedTrafficThatReplaysTheSameAnswers() async throws {
        let upstream = try await Understudy.start()
        try upstream.addScenarios(Self.slowStreams)
        let directory = Self.temporaryDirectory()
        var configuration = ProxyConfiguration(upstream: upstream.baseURL)
        configuration.port = 0
        configuration.recordDirectory = directory
        let proxy = try await ProxyServer.start(configuration: configuration, validator: try Self.validator())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)

        var proxied: [Answer] = []
        for (path, body) in Self.requests { proxied.append(try await Self.post(http, proxy.baseURL + path, body)) }
        #expect(proxied.map(\.status) == [200, 200, 200, 404])
        #expect(proxied[0].header("x-understudy-violations") == "0")
        #expect(proxy.journal.allSatisfy { $0.violations.isEmpty }, "\(proxy.journal)")
        // Frames pass through as they arrive, not buffered whole: the paced streams come in many pieces.
        #expect(proxied[1].pieces > 5 && proxied[2].pieces > 5, "pieces: \(proxied[1].pieces), \(proxied[2].pieces)")
        await proxy.shutdown()
        await upstream.stop()

        // The recording: one line per exchange, valid against the contract, with no secret in it.
        let path = try #require(proxy.recordingPath)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(Self.secret) && !text.contains("proxy-test-secret"))
        #expect(text.contains(#"{"name":"authorization","value":"[redacted]"}"#))
        var exchanges: [Exchange] = []
        try ExchangeReader.read(path: path) { if case .success(let e) = $0 { exchanges.append(e) } }
        #expect(exchanges.count == Self.requests.count)
        let validator = try Self.validator()
        for exchange in exchanges { #expect(validator.validate(exchange).passed, "\(validator.validate(exchange).findings)") }
        // Streams carry their pacing: a delay per event, the paced gaps in them.
        let stream = exchanges[1]
        let events = SSEParser.events(stream.response.body).count
        #expect(stream.frameDelaysMilliseconds?.count == events)
        #expect((stream.frameDelaysMilliseconds ?? []).reduce(0, +) >= 30)

        // Replayed: the same requests get the same answers, offline; a new one misses.
        let book = try ReplayBook(directory: directory, miss: .notFound, recordedPacing: false)
        let replay = try await Understudy.start(replay: book)
        for (i, (path, body)) in Self.requests.enumerated() {
            let again = try await Self.post(http, replay.baseURL + path, body)
            #expect(again.status == proxied[i].status)
            if proxied[i].header("content-type")?.hasPrefix("text/event-stream") == true {
                #expect(again.body == proxied[i].body, "request \(i): the stream differs")
            } else {
                #expect(try JSONParser.parse(again.body) == JSONParser.parse(proxied[i].body), "request \(i)")
            }
        }
        let miss = try await Self.post(http, replay.baseURL + "/v1/chat/completions",
                                       #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "Never recorded"}]}"#)
        #expect(miss.status == 404)
        await replay.stop()
        try await http.shutdown()
    }

    /// A spec stricter than any real answer: every completion and chunk lacks `understudy_planted`.
    static func plantedSpec() throws -> String {
        try OpenAIContract.embedded().yaml.replacingOccurrences(
            of: "required: [id, object, created, model, choices]", with: "required: [id, object, created, model, choices, understudy_planted]")
    }

    @Test func warnReportsViolationsAndPassesAnswersThrough() async throws {
        try await Understudy.withServer { upstream in
            var configuration = ProxyConfiguration(upstream: upstream.baseURL)
            configuration.port = 0
            let proxy = try await ProxyServer.start(configuration: configuration, validator: try Self.validator(yaml: Self.plantedSpec()))
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let json = try await Self.post(http, proxy.baseURL + Self.requests[0].path, Self.requests[0].body)
            let stream = try await Self.post(http, proxy.baseURL + Self.requests[1].path, Self.requests[1].body)
            #expect(json.status == 200 && stream.status == 200)
            #expect(json.header("x-understudy-violations")?.hasPrefix("1; response: missing required property 'understudy_planted'") == true,
                    "\(json.header("x-understudy-violations") ?? "none")")
            #expect(String(decoding: stream.body, as: UTF8.self).hasSuffix("data: [DONE]\n\n"))
            let journal = proxy.journal
            #expect(journal.count == 2)
            // Each chunk was checked as it arrived: one violation per chunk, none for [DONE].
            #expect(journal[1].violations.count == SSEParser.events(stream.body).count - 1)
            await proxy.shutdown()
            try await http.shutdown()
        }
    }

    @Test func strictRefusesWhatBreaksTheContract() async throws {
        try await Understudy.withServer { upstream in
            var configuration = ProxyConfiguration(upstream: upstream.baseURL)
            configuration.port = 0
            configuration.validation = .strict
            let proxy = try await ProxyServer.start(configuration: configuration, validator: try Self.validator(yaml: Self.plantedSpec()))
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            // A request that breaks the contract is refused here and never reaches the upstream.
            let refused = try await Self.post(http, proxy.baseURL + "/v1/chat/completions", #"{"model": "gpt-4o"}"#)
            #expect(refused.status == 400)
            #expect(try JSONParser.parse(refused.body)["error"]?["code"] == .string("contract_violation"))
            #expect(upstream.journal.isEmpty)
            // A JSON answer that breaks it becomes a 502; a stream ends with an error event.
            let json = try await Self.post(http, proxy.baseURL + Self.requests[0].path, Self.requests[0].body)
            #expect(json.status == 502)
            #expect(try JSONParser.parse(json.body)["error"]?["code"] == .string("upstream_contract_violation"))
            let stream = try await Self.post(http, proxy.baseURL + Self.requests[1].path, Self.requests[1].body)
            let events = SSEParser.events(stream.body)
            #expect(events.count == 2, "the first chunk, then the error")
            #expect(events.last.flatMap { try? JSONParser.parse($0.data)["error"]?["code"] } == .string("upstream_contract_violation"))
            await proxy.shutdown()
            try await http.shutdown()
        }
    }

    @Test func anUnreachableUpstreamIsA502Envelope() async throws {
        let gone = try await Understudy.start()
        let url = gone.baseURL
        await gone.stop()
        var configuration = ProxyConfiguration(upstream: url)
        configuration.port = 0
        let proxy = try await ProxyServer.start(configuration: configuration, validator: try Self.validator())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let answer = try await Self.post(http, proxy.baseURL + Self.requests[0].path, Self.requests[0].body)
        #expect(answer.status == 502)
        let error = try JSONParser.parse(answer.body)["error"]
        #expect(error?["code"] == .string("upstream_unreachable") && error?["type"] == .string("upstream_error"))
        #expect(proxy.journal.first?.status == 0)
        await proxy.shutdown()
        try await http.shutdown()
    }
}
