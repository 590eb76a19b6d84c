import NIOPosix
import Testing
import UnderstudyContract
@testable import UnderstudyMock
import UnderstudyRedis
import UnderstudyRedisState

/// Records a client cannot poison (issue 21, item 8): whatever was accepted reads back, and one
/// record too large for the shared connection is refused before it is written.
@Suite("Redis records", .enabled(if: RedisServerProcess.available, RedisServerProcess.missing))
struct RedisRecordTests {
    /// A value nested `depth` levels (arrays), as deep as a request may carry it.
    static func nested(_ depth: Int) -> JSONValue {
        var value = JSONValue.string("x")
        for _ in 0..<(depth - 1) { value = .array([value]) }
        return value
    }

    @Test("an item nested as deep as a request may be is stored and read back (the record's own levels do not count against it)")
    func deepItemReadsBack() async throws {
        // {"items":[item]} at the request parser's limit: the item itself is 254 levels.
        let item = Self.nested(JSONParser.defaultMaximumDepth - 2)
        let body = JSONValue.object(["items": .array([item])]).jsonBytes
        #expect(throws: Never.self) { try JSONParser.parse(body) }
        let conversation = StoredConversation(id: "conv_deep", createdAt: 1, metadata: [:], items: EncodedItems([item]))
        #expect(StoredConversation(encoded: conversation.encoded()) != nil)

        let (server, address, client) = try await connectedRedis()
        defer { server.stop() }
        let state = RedisState(client: client, address: address, prefix: "t")
        let read = try await offPool { () throws -> StoredConversation? in
            try state.put(conversation)
            return try state.use(StoredConversation.self, "conv_deep") { $0.metadata["touched"] = .string("yes") }
        }
        #expect(read?.items.all == [item])
        #expect(read?.metadata["touched"] == .string("yes"))
        await client.close()
    }

    @Test("a conversation grown to the per-record cap is refused with 413 and keeps its items; a bystander is answered")
    func recordCap() async throws {
        let (server, address, client) = try await connectedRedis()
        defer { server.stop() }
        var limits = RedisState.Limits()
        limits.recordBytes = 256 << 10
        let engine = try redisEngine(RedisState(client: client, address: address, prefix: "t", limits: limits))
        let text = String(repeating: "lorem ipsum ", count: 4_000)  // ~48 KB an item
        let outcome = try await offPool { () -> (statuses: [Int], error: JSONValue?, listed: Int, bystander: Int) in
            let created = engine.respond(to: MockRequest(method: "POST", path: "/v1/conversations", headers: [("content-type", "application/json")],
                                                         body: Array("{}".utf8)))
            let id = json(created)?["id"]?.stringValue ?? ""
            var statuses: [Int] = []
            var refusal: JSONValue?
            for _ in 0..<10 {
                let item = #"{"items":[{"type":"message","role":"user","content":[{"type":"input_text","text":"\#(text)"}]}]}"#
                let added = engine.respond(to: MockRequest(method: "POST", path: "/v1/conversations/\(id)/items",
                                                           headers: [("content-type", "application/json")], body: Array(item.utf8)))
                statuses.append(added.status)
                if added.status != 200 {
                    refusal = json(added)
                    break
                }
            }
            let listed = engine.respond(to: MockRequest(method: "GET", path: "/v1/conversations/\(id)/items", query: "limit=100"))
            return (statuses, refusal, json(listed)?["data"]?.arrayValue?.count ?? -1, chat(engine).status)
        }
        #expect(outcome.statuses.last == 413, "\(outcome.statuses)")
        #expect(outcome.statuses.dropLast().allSatisfy { $0 == 200 } && outcome.statuses.count > 2, "\(outcome.statuses)")
        #expect(outcome.error?["error"]?["code"] == .string("record_too_large"))
        #expect(outcome.listed == outcome.statuses.count - 1)
        #expect(outcome.bystander == 200)
        await client.close()
    }
}
