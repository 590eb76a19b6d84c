import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

@Suite("Conversations API over a socket")
struct ConversationsServerTests {
    /// Sends a request and parses the JSON answer.
    static func call(_ server: UnderstudyServer, _ method: HTTPMethod, _ path: String, _ json: String? = nil) async throws -> (Int, JSONValue) {
        let result = try await TestHTTPClient.send(port: server.port, method, path, json: json)
        return (result.status, try JSONParser.parse(result.body))
    }

    static func texts(_ list: JSONValue) -> [String] {
        (list["data"]?.arrayValue ?? []).compactMap { $0["content"]?.arrayValue?.first?["text"]?.stringValue }
    }

    @Test("create with metadata and items, retrieve, update metadata, delete; then it is a 404")
    func lifecycle() async throws {
        try await withServer { server in
            let (status, created) = try await Self.call(server, .POST, "/v1/conversations",
                #"{"metadata":{"topic":"tides"},"items":[{"role":"user","content":"Hello"},{"type":"message","role":"assistant","content":"Hi there"}]}"#)
            #expect(status == 200)
            let id = try #require(created["id"]?.stringValue)
            #expect(id.hasPrefix("conv_") && id.count == 53)
            #expect(created["object"] == .string("conversation"))
            #expect(created["created_at"] == .int(1_751_328_000))
            #expect(created["metadata"] == .object(["topic": .string("tides")]))
            #expect(try await Self.call(server, .GET, "/v1/conversations/\(id)").1 == created)

            let (_, updated) = try await Self.call(server, .POST, "/v1/conversations/\(id)", #"{"metadata":{"topic":"moons","owner":"ada"}}"#)
            #expect(updated["metadata"] == .object(JSONObject([("topic", .string("moons")), ("owner", .string("ada"))])))
            #expect(try await Self.call(server, .GET, "/v1/conversations/\(id)").1["metadata"] == updated["metadata"])

            let (_, deleted) = try await Self.call(server, .DELETE, "/v1/conversations/\(id)")
            #expect(deleted == .object(JSONObject([("id", .string(id)), ("object", .string("conversation.deleted")), ("deleted", .bool(true))])))
            let (gone, error) = try await Self.call(server, .GET, "/v1/conversations/\(id)")
            #expect(gone == 404)
            #expect(error["error"]?["message"] == .string("Conversation with id '\(id)' not found."))
            #expect(error["error"]?["type"] == .string("invalid_request_error"))
            #expect(try await Self.call(server, .DELETE, "/v1/conversations/\(id)").0 == 404)
            // An empty body is a conversation with nothing in it.
            let bare = try await TestHTTPClient.send(port: server.port, .POST, "/v1/conversations")
            #expect(bare.status == 200)
        }
    }

    @Test("items list: newest first by default, paged with limit and after; asc gives the order they were added")
    func pagination() async throws {
        try await withServer { server in
            let words = ["one", "two", "three", "four", "five"]
            let items = words.enumerated().map { i, word in #"{"role":"\#(i % 2 == 0 ? "user" : "assistant")","content":"\#(word)"}"# }
            let (_, created) = try await Self.call(server, .POST, "/v1/conversations", #"{"items":[\#(items.joined(separator: ","))]}"#)
            let id = try #require(created["id"]?.stringValue)

            let (_, first) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?limit=2")
            #expect(Self.texts(first) == ["five", "four"])
            #expect(first["has_more"] == .bool(true))
            #expect(first["first_id"] == first["data"]?.arrayValue?.first?["id"])
            let after = try #require(first["last_id"]?.stringValue)
            let (_, second) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?limit=2&after=\(after)")
            #expect(Self.texts(second) == ["three", "two"])

            let (_, all) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?order=asc")
            #expect(Self.texts(all) == words)
            #expect(all["has_more"] == .bool(false))
            let data = try #require(all["data"]?.arrayValue)
            #expect(data.map { $0["role"]?.stringValue } == ["user", "assistant", "user", "assistant", "user"])
            #expect(data.allSatisfy { $0["status"] == .string("completed") && $0["id"]?.stringValue?.hasPrefix("msg_") == true })
            #expect(Set(data.compactMap { $0["id"]?.stringValue }).count == 5)
            #expect(data[1]["content"]?[0]?["type"] == .string("output_text"))
            #expect(try await Self.call(server, .GET, "/v1/conversations/\(id)/items?order=sideways").0 == 400)
            #expect(try await Self.call(server, .GET, "/v1/conversations/\(id)/items?limit=101").0 == 400)
        }
    }

    @Test("items added, retrieved one by one, and deleted (the answer is the conversation)")
    func items() async throws {
        try await withServer { server in
            let id = try #require(try await Self.call(server, .POST, "/v1/conversations", "{}").1["id"]?.stringValue)
            let (status, added) = try await Self.call(server, .POST, "/v1/conversations/\(id)/items",
                #"{"items":[{"role":"user","content":"What is a tide?"},{"type":"function_call_output","call_id":"call_1","output":"42"}]}"#)
            #expect(status == 200)
            let data = try #require(added["data"]?.arrayValue)
            #expect(data.map { $0["type"]?.stringValue } == ["message", "function_call_output"])
            #expect(data[1]["call_id"] == .string("call_1") && data[1]["status"] == .string("completed"))
            let ids = data.compactMap { $0["id"]?.stringValue }
            #expect(added["first_id"] == .string(ids[0]) && added["last_id"] == .string(ids[1]))

            let (_, item) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items/\(ids[0])")
            #expect(item == data[0])
            let (_, after) = try await Self.call(server, .DELETE, "/v1/conversations/\(id)/items/\(ids[0])")
            #expect(after["object"] == .string("conversation") && after["id"] == .string(id))
            #expect(try await Self.call(server, .GET, "/v1/conversations/\(id)/items/\(ids[0])").0 == 404)
            #expect(try await Self.call(server, .DELETE, "/v1/conversations/\(id)/items/\(ids[0])").0 == 404)
            let (_, left) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items")
            #expect(left["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[1]])

            let tooMany = "[" + Array(repeating: #"{"role":"user","content":"x"}"#, count: 21).joined(separator: ",") + "]"
            let (over, error) = try await Self.call(server, .POST, "/v1/conversations/\(id)/items", #"{"items":\#(tooMany)}"#)
            #expect(over == 400 && error["error"]?["code"] == .string("array_above_max_length"))
            #expect(try await Self.call(server, .POST, "/v1/conversations/\(id)/items", "{}").0 == 400)
            #expect(try await Self.call(server, .POST, "/v1/conversations/conv_nope/items", #"{"items":[]}"#).0 == 404)
            #expect(try await TestHTTPClient.send(port: server.port, .PUT, "/v1/conversations/\(id)").status == 405)
            #expect(try await TestHTTPClient.send(port: server.port, .GET, "/v1/conversations").status == 405)
        }
    }

    /// A conversation whose first item asks for two keys, then a JSON-mode turn that does not
    /// name them: the answer has them only if the conversation was read.
    static func jsonTurn(_ server: UnderstudyServer, first: String) async throws -> (conversation: String, response: JSONValue) {
        let (_, created) = try await call(server, .POST, "/v1/conversations", #"{"items":[{"role":"user","content":"\#(first)"}]}"#)
        let id = try #require(created["id"]?.stringValue)
        let (status, response) = try await call(server, .POST, "/v1/responses",
            #"{"model":"gpt-4o","conversation":"\#(id)","input":"Now reply in JSON.","text":{"format":{"type":"json_object"}}}"#)
        #expect(status == 200)
        return (id, response)
    }

    @Test("a response in a conversation reads its items, carries conversation.id, and adds its input and output")
    func responseInConversation() async throws {
        let keys = #"Tell me about Paris with the keys \"city\" (a string) and \"population\" (an integer)."#
        let (id, response, items) = try await withServer { server in
            let (id, response) = try await Self.jsonTurn(server, first: keys)
            let (_, items) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?order=asc")
            // The object form of the parameter; the earlier turns count as (cached) input.
            let (_, next) = try await Self.call(server, .POST, "/v1/responses",
                #"{"model":"gpt-4o","conversation":{"id":"\#(id)"},"input":"And the river?"}"#)
            #expect(next["conversation"]?["id"] == .string(id))
            let firstUsage = try #require(response["usage"]), nextUsage = try #require(next["usage"])
            #expect(try #require(nextUsage["input_tokens"]?.integerValue) > firstUsage["input_tokens"]?.integerValue ?? .max)
            #expect(try #require(nextUsage["input_tokens_details"]?["cached_tokens"]?.integerValue) > 0)
            let (_, after) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?order=asc")
            #expect(Array(Self.texts(after).suffix(2)) == ["And the river?", try #require(next.responseText)])
            return (id, response, items)
        }
        #expect(response["conversation"] == .object(["id": .string(id)]))
        #expect(response["previous_response_id"] == .null)
        let answer = try JSONParser.parse(try #require(response.responseText))
        #expect(answer.objectValue?.keys == ["city", "population"])
        #expect(answer["population"]?.integerValue != nil)
        let data = try #require(items["data"]?.arrayValue)
        #expect(data.map { $0["role"]?.stringValue } == ["user", "user", "assistant"])
        #expect(Self.texts(items) == [keys.replacing("\\\"", with: "\""), "Now reply in JSON.", try #require(response.responseText)])
        // The output item is the response's own, id and all.
        #expect(data[2] == response["output"]?[0])

        // Deterministic: a fresh server answers the same; another first item, another answer.
        let again = try await withServer { try await Self.jsonTurn($0, first: keys).response }
        #expect(again.responseText == response.responseText && again["id"] == response["id"])
        let other = try await withServer { try await Self.jsonTurn($0, first: "Tell me about Paris.").response }
        #expect(other.responseText != response.responseText)
        #expect(try JSONParser.parse(try #require(other.responseText)).objectValue?.keys == ["topic", "answer"])
    }

    @Test("conversation with previous_response_id is a 400; an unknown conversation a 404; OpenRouter refuses it")
    func errors() async throws {
        try await withServer { server in
            let (status, error) = try await Self.call(server, .POST, "/v1/responses",
                #"{"model":"gpt-4o","input":"hi","conversation":"conv_1","previous_response_id":"resp_1"}"#)
            #expect(status == 400)
            #expect(error["error"]?["code"] == .string("mutually_exclusive_parameters"))
            #expect(error["error"]?["param"] == .null)
            #expect(error["error"]?["message"]
                == .string("Mutually exclusive parameters. Ensure you are only providing one of: 'previous_response_id' or 'conversation'."))

            let (missing, notFound) = try await Self.call(server, .POST, "/v1/responses", #"{"model":"gpt-4o","input":"hi","conversation":"conv_missing"}"#)
            #expect(missing == 404)
            #expect(notFound["error"]?["message"] == .string("Conversation with id 'conv_missing' not found."))
            #expect(try await Self.call(server, .POST, "/v1/responses", #"{"model":"gpt-4o","input":"hi","conversation":{}}"#).0 == 400)
            #expect(try await Self.call(server, .POST, "/v1/responses", #"{"model":"gpt-4o","input":"hi","conversation":7}"#).0 == 400)
            let (tokens, _) = try await Self.call(server, .POST, "/v1/responses/input_tokens", #"{"model":"gpt-4o","input":"hi","conversation":"conv_missing"}"#)
            #expect(tokens == 404)

            let id = try #require(try await Self.call(server, .POST, "/api/v1/conversations", "{}").1["id"]?.stringValue)
            let (refused, stateless) = try await Self.call(server, .POST, "/api/v1/responses",
                #"{"model":"openai/gpt-4o","input":"hi","conversation":"\#(id)"}"#)
            #expect(refused == 400 && stateless["error"]?["message"]?.stringValue?.contains("stateless") == true)
            #expect(try await Self.call(server, .POST, "/v1/conversations", #"{"metadata":{"k":1}}"#).0 == 400)
            #expect(try await Self.call(server, .POST, "/v1/conversations", #"{"colour":"blue"}"#).0 == 400)
        }
    }

    @Test("input_tokens counts a conversation's items as the create request would")
    func inputTokens() async throws {
        try await withServer { server in
            let (_, created) = try await Self.call(server, .POST, "/v1/conversations", #"{"items":[{"role":"user","content":"Tell me all about the history of lighthouses"}]}"#)
            let id = try #require(created["id"]?.stringValue)
            let (_, bare) = try await Self.call(server, .POST, "/v1/responses/input_tokens", #"{"model":"gpt-4o","input":"And now?"}"#)
            let (_, counted) = try await Self.call(server, .POST, "/v1/responses/input_tokens", #"{"model":"gpt-4o","input":"And now?","conversation":"\#(id)"}"#)
            let (_, response) = try await Self.call(server, .POST, "/v1/responses", #"{"model":"gpt-4o","input":"And now?","conversation":"\#(id)"}"#)
            #expect(try #require(counted["input_tokens"]?.integerValue) > bare["input_tokens"]?.integerValue ?? .max)
            #expect(counted["input_tokens"] == response["usage"]?["input_tokens"])
        }
    }

    @Test("the conversation store is bounded: the least recently used conversation goes")
    func boundedStore() throws {
        let engine = MockEngine(configuration: {
            var c = MockConfiguration(fixtures: try! Fixtures.embedded(), contract: testContract, clock: .fixed(0))
            c.responseStoreLimit = 2
            return c
        }())
        func send(_ method: String, _ path: String, _ body: String = "") -> MockResponse {
            engine.respond(to: MockRequest(method: method, path: path, body: Array(body.utf8)))
        }
        func create() throws -> String {
            guard case .bytes(let body) = send("POST", "/v1/conversations", "{}").body else { return "" }
            return try JSONParser.parse(body)["id"]?.stringValue ?? ""
        }
        let a = try create(), b = try create()
        #expect(a != b)
        _ = send("GET", "/v1/conversations/\(a)")
        let c = try create()
        #expect([a, b, c].map { send("GET", "/v1/conversations/\($0)").status } == [200, 404, 200])
    }
}
