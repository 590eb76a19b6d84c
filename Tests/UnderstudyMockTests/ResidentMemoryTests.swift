import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// What the engine's caches and stores hold is counted by what is resident (issue 21): the
/// counts a test can assert, where RSS itself is too noisy to.
@Suite("Resident memory")
struct ResidentMemoryTests {
    /// A `seed`ed request (repeatable, so its body is a template) with `n: 128` choices of a
    /// structured output: a few hundred bytes asking for megabytes.
    static func manyChoices(_ i: Int) -> String {
        let properties = (0..<40).map { #""p\#($0)":{"type":"string","minLength":40}"# }.joined(separator: ",")
        return #"{"model":"gpt-4o","seed":\#(i),"n":128,"messages":[{"role":"user","content":"go"}],"#
            + #""response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object","properties":{\#(properties)}}}}}"#
    }

    @Test("the repeat cache counts the bytes its templates hold: a repeatable n: 128 body is counted at its size")
    func templateCacheCounts() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), seed: 1, clock: .fixed(1_700_000_000)))
        // A template is kept from a request's second sighting on.
        let request = MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(Self.manyChoices(1).utf8))
        _ = engine.respond(to: request)
        #expect(engine.templateBytes?.held == 0)
        let r = engine.respond(to: request)
        guard case .bytes(let body) = r.body else { Issue.record("no body"); return }
        #expect(r.status == 200)
        #expect(body.count > 100_000)
        let bytes = try #require(engine.templateBytes)
        #expect(bytes.held >= body.count && bytes.held <= body.count + 1024)
        #expect(bytes.limit == 32 << 20)
    }

    @Test("a repeated stream's template is counted at its plan: every choice's text and a substring per piece")
    func streamTemplateCounts() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), seed: 1, clock: .fixed(1_700_000_000)))
        let request = MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(
            #"{"model":"gpt-4o","stream":true,"n":16,"temperature":0,"messages":[{"role":"user","content":"Describe a market at length"}]}"#.utf8))
        _ = engine.respond(to: request)
        guard case .stream(var plan) = engine.respond(to: request).body else { Issue.record("no stream"); return }
        var text = 0, pieces = 0
        while let frame = plan.frames.next() {
            guard let range = String(decoding: frame, as: UTF8.self).firstRange(of: #""content":""#) else { continue }
            let rest = String(decoding: frame, as: UTF8.self)[range.upperBound...]
            text += rest.prefix { $0 != "\"" }.utf8.count
            pieces += 1
        }
        let held = try #require(engine.templateBytes?.held)
        #expect(pieces > 16 && held >= text + 32 * pieces)
        #expect(held <= text + 32 * pieces + 16 * 128 + 1024)
    }

    @Test("the repeat cache is bounded by bytes: emptied when the next template would pass the limit; a body over an eighth of it is not kept")
    func templateCacheBound() {
        let cache = ResponseTemplateCache(limit: 1024, byteLimit: 10_000)
        func store(_ key: UInt64, size: Int) {
            let body = Array("{\"id\":\"chatcmpl-x\",\"pad\":\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: size) + Array("\"}".utf8)
            cache.store(key: key, body: body, id: "chatcmpl-x", requestHash: key, created: 1, flavor: .openai, processingMilliseconds: "1",
                        notices: [], usage: Usage(promptTokens: 1, completionTokens: 1), model: "gpt-4o")
        }
        for key in 0..<40 as Range<UInt64> {
            store(key, size: 900)
            #expect(cache.bytes <= 10_000)
        }
        #expect(cache.bytes > 5_000)
        #expect(cache.template(for: 39, now: 1) != nil)
        store(100, size: 1_300)
        #expect(cache.template(for: 100, now: 1) == nil)
    }

    static func engine(_ state: MemoryState) throws -> MockEngine {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), seed: 1, clock: .fixed(1_700_000_000))
        configuration.state = state
        return MockEngine(configuration: configuration)
    }

    static func post(_ engine: MockEngine, _ path: String, _ json: String) throws -> JSONValue {
        let r = engine.respond(to: MockRequest(method: "POST", path: path, body: Array(json.utf8)))
        guard case .bytes(let body) = r.body else { throw Failure.stream }
        #expect(r.status == 200, "\(String(decoding: body.prefix(300), as: UTF8.self))")
        return try JSONParser.parse(body)
    }

    enum Failure: Error { case stream }

    @Test("a stored response is held as its encoding: a thousand tools, six thousand input items or a 6,600-property schema cost their text, not their parse")
    func responsesHeldAsText() throws {
        let tools = (0..<1_000).map { #"{"type":"function","name":"f\#($0)","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}"# }
        let items = (0..<6_000).map { #"{"role":"user","content":"w\#($0)"}"# }
        let properties = (0..<6_600).map { #""p\#($0)":{"type":"string"}"# }.joined(separator: ",")
        let bodies = [
            #"{"model":"gpt-4.1","input":"hi","tools":[\#(tools.joined(separator: ","))]}"#,
            #"{"model":"gpt-4.1","input":[\#(items.joined(separator: ","))]}"#,
            #"{"model":"gpt-4.1","input":"hi","text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object","properties":{\#(properties)}}}}}"#,
        ]
        for body in bodies {
            let state = MemoryState()
            let engine = try Self.engine(state)
            let response = try Self.post(engine, "/v1/responses", body)
            let id = try #require(response["id"]?.stringValue)
            let record = try #require(try state.use(StoredResponse.self, id))
            // Counted at its encoding (what is held), which is about the request's text and the answer.
            let held = state.bytes(of: StoredResponse.self)
            #expect(held == record.encoded().count + 64)
            #expect(held < 4 * body.utf8.count + 1_000_000, "held \(held) for a body of \(body.utf8.count)")
            // Read back whole: the chain and the retrieval see what was stored.
            let again = engine.respond(to: MockRequest(method: "GET", path: "/v1/responses/\(id)"))
            #expect(again.status == 200)
        }
    }

    @Test("stored chat completions and conversations hold their messages and items as text, counted at text plus a fixed allowance each")
    func listsHeldAsText() throws {
        let state = MemoryState()
        let engine = try Self.engine(state)
        let messages = (0..<6_000).map { #"{"role":"user","content":"w\#($0)"}"# }.joined(separator: ",")
        let completion = try Self.post(engine, "/v1/chat/completions", #"{"model":"gpt-4o","store":true,"messages":[\#(messages)]}"#)
        let id = try #require(completion["id"]?.stringValue)
        let stored = try #require(try state.use(StoredChatCompletion.self, id))
        #expect(stored.messages.count == 6_000)
        let texts = stored.messages.texts.reduce(0) { $0 + $1.count }
        #expect(stored.messages.bytes == texts + 6_000 * EncodedItems.perItem)
        // Each text in an allocation of its size (a writer's 512-byte buffer kept per message cost 3.4x the count).
        #expect(stored.messages.texts.allSatisfy { $0.capacity - $0.count <= 32 })
        #expect(stored.completion.capacity - stored.completion.count <= 32)
        #expect(state.bytes(of: StoredChatCompletion.self) == stored.bytes)
        #expect(stored.bytes < texts + 6_000 * EncodedItems.perItem + stored.completion.count + 1_024)
        // Listed from the text as they were given.
        let page = engine.respond(to: MockRequest(method: "GET", path: "/v1/chat/completions/\(id)/messages", query: "limit=2&after=\(id)-0"))
        guard case .bytes(let body) = page.body else { Issue.record("no body"); return }
        let list = try JSONParser.parse(body)
        #expect(list["data"]?.arrayValue?.map { $0["content"] } == [.string("w1"), .string("w2")])
        #expect(list["first_id"] == .string("\(id)-1"))

        let conversation = try Self.post(engine, "/v1/conversations", #"{"items":[{"role":"user","content":"hello"}]}"#)
        let cid = try #require(conversation["id"]?.stringValue)
        let kept = try #require(try state.use(StoredConversation.self, cid))
        #expect(kept.items.bytes == kept.items.texts[0].count + EncodedItems.perItem)
        #expect(state.bytes(of: StoredConversation.self) == kept.bytes)
    }

    @Test("the inline schema cache is bounded by the text of the schemas it holds (a compiled schema costs 18-32x it)")
    func schemaCacheBound() throws {
        let schemas = InlineSchemas(limit: 256, textByteLimit: 100_000)
        for i in 0..<50 {
            let properties = (0..<100).map { #""p\#(i)_\#($0)":{"type":"string"}"# }.joined(separator: ",")
            _ = schemas.compile(try JSONParser.parse(#"{"type":"object","properties":{\#(properties)}}"#))
            #expect(schemas.textBytes <= 100_000)
        }
        #expect(schemas.textBytes > 0)
        // One schema over a quarter of the limit is compiled but not kept.
        let large = (0..<2_000).map { #""q\#($0)":{"type":"string"}"# }.joined(separator: ",")
        let before = schemas.textBytes
        #expect(schemas.compile(try JSONParser.parse(#"{"type":"object","properties":{\#(large)}}"#)).problems.isEmpty)
        #expect(schemas.textBytes == before)
    }
}
