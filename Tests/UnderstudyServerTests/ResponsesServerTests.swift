import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

@Suite("Responses API over a socket")
struct ResponsesServerTests {
    @Test("a stream: event lines match their data, sequence numbers count up, text deltas rebuild output_text")
    func stream() async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/responses", json:
                #"{"model":"gpt-5","input":"Explain rainbows","reasoning":{"summary":"auto"},"stream":true}"#)
        }
        #expect(result.headers.first(name: "content-type") == "text/event-stream; charset=utf-8")
        let events = SSEParser.events(result.body)
        let payloads = try events.map { try JSONParser.parse($0.data) }
        #expect(zip(events, payloads).allSatisfy { $0.type == $1["type"]?.stringValue })
        #expect(payloads.map { $0["sequence_number"]?.integerValue } == (0..<payloads.count).map { Int64($0) })
        let types = payloads.compactMap { $0["type"]?.stringValue }
        #expect(types.first == "response.created" && types.last == "response.completed")
        #expect(types.contains("response.reasoning_summary_text.delta"))
        let text = payloads.filter { $0["type"] == .string("response.output_text.delta") }.compactMap { $0["delta"]?.stringValue }.joined()
        #expect(payloads.last?["response"]?.responseText == text)
    }

    @Test("the store is bounded: the least recently used response goes")
    func boundedStore() async throws {
        let engine = MockEngine(configuration: {
            var c = MockConfiguration(fixtures: try! Fixtures.embedded(), contract: testContract, clock: .fixed(0))
            c.responseStoreLimit = 2
            return c
        }())
        func create(_ text: String) throws -> String {
            let r = engine.respond(to: MockRequest(method: "POST", path: "/v1/responses", body: Array(#"{"model":"gpt-4o","input":"\#(text)"}"#.utf8)))
            guard case .bytes(let body) = r.body else { return "" }
            return try JSONParser.parse(body)["id"]?.stringValue ?? ""
        }
        let a = try create("one"), b = try create("two")
        _ = engine.respond(to: MockRequest(method: "GET", path: "/v1/responses/\(a)"))  // a is now the more recent
        let c = try create("three")
        let status = { (id: String) in engine.respond(to: MockRequest(method: "GET", path: "/v1/responses/\(id)")).status }
        #expect([status(a), status(b), status(c)] == [200, 404, 200])
    }
}
