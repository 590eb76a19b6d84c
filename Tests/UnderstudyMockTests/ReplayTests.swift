import Testing
import UnderstudyContract
@testable import UnderstudyMock

@Suite("Replay of recorded exchanges")
struct ReplayTests {
    static let traffic = FixtureTests.root + "/fixtures/traffic/valid"

    static func engine(miss: ReplayBook.Miss) throws -> MockEngine {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(0))
        configuration.replay = try ReplayBook(directory: traffic, miss: miss, recordedPacing: false)
        return MockEngine(configuration: configuration)
    }

    @Test("a recorded request gets its recorded answer (whatever the key order), JSON and stream")
    func hits() throws {
        let engine = try Self.engine(miss: .synthesize)
        var recordings: [Exchange] = []
        try ExchangeReader.read(path: Self.traffic + "/understudy.jsonl") { if case .success(let e) = $0 { recordings.append(e) } }
        let chat = recordings[0]
        // The same request with its keys in another order.
        let reordered = try JSONParser.parse(chat.request.body).objectValue!.members.reversed()
        let body = JSONValue.object(JSONObject(Array(reordered))).jsonBytes
        let r = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: body))
        guard case .bytes(let replayed) = r.body else { Issue.record("not bytes"); return }
        #expect(try JSONParser.parse(replayed) == JSONParser.parse(chat.response.body))
        #expect(r.headers.contains { $0.name == "x-understudy-replay" })
        let stream = recordings[1]
        let s = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: stream.request.body))
        guard case .stream(let plan) = s.body else { Issue.record("not a stream"); return }
        #expect(plan.frames.remaining().flatMap { $0 } == stream.response.body)
    }

    @Test("a miss is synthesised, or a 404 naming the request")
    func misses() throws {
        let unrecorded = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"never recorded"}]}"#.utf8)
        #expect(try Self.engine(miss: .synthesize).respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: unrecorded)).status == 200)
        let strict = try Self.engine(miss: .notFound).respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: unrecorded))
        #expect(strict.status == 404)
    }

    @Test("recorded pacing: each frame waits its own recorded delay; at full speed none; mismatched counts keep the mean")
    func pacing() {
        let body = Array("data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n".utf8)
        var exchange = Exchange(source: "t", method: "POST", url: "/v1/chat/completions", request: .init(headers: [], body: []),
                                status: 200, response: .init(headers: [("content-type", "text/event-stream")], body: body),
                                frameDelaysMilliseconds: [120, 5, 40])
        guard case .stream(let paced) = Replay.replayed(exchange, pacing: true).body,
              case .stream(let fast) = Replay.replayed(exchange, pacing: false).body else {
            Issue.record("not a stream")
            return
        }
        #expect(paced.firstFrameDelayNanoseconds == 120_000_000)
        #expect((1..<3).map { paced.delay(before: $0) } == [5_000_000, 40_000_000])
        #expect(fast.firstFrameDelayNanoseconds == 0 && (1..<3).map { fast.delay(before: $0) } == [0, 0])
        exchange.frameDelaysMilliseconds = [120, 10]
        guard case .stream(let mean) = Replay.replayed(exchange, pacing: true).body else { return }
        #expect((1..<3).map { mean.delay(before: $0) } == [10_000_000, 10_000_000])
    }
}
