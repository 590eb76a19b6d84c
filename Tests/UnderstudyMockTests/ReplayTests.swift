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
        #expect(plan.frames.flatMap { $0 } == stream.response.body)
    }

    @Test("a miss is synthesised, or a 404 naming the request")
    func misses() throws {
        let unrecorded = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"never recorded"}]}"#.utf8)
        #expect(try Self.engine(miss: .synthesize).respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: unrecorded)).status == 200)
        let strict = try Self.engine(miss: .notFound).respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: unrecorded))
        #expect(strict.status == 404)
    }
}
