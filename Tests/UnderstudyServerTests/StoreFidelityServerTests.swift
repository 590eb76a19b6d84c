#if canImport(Glibc)
import Glibc
#endif
import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

/// Issue 21 over a socket: metadata checked and kept as OpenAI does, items and parameters the
/// live API refuses refused here, a page of a large conversation read without the rest.
@Suite("Stores: metadata, refusals, pages")
struct StoreFidelityServerTests {
    static func call(_ server: UnderstudyServer, _ method: HTTPMethod, _ path: String, _ json: String? = nil) async throws -> (Int, JSONValue) {
        let result = try await TestHTTPClient.send(port: server.port, method, path, json: json)
        return (result.status, try JSONParser.parse(result.body))
    }

    static func metadata(_ pairs: Int, key: (Int) -> String = { "k\($0)" }, value: String = "v") -> String {
        "{" + (0..<pairs).map { #""\#(key($0))":"\#(value)""# }.joined(separator: ",") + "}"
    }

    @Test("a stored completion's metadata update is checked as OpenAI checks metadata: 16 pairs, keys of 64, string values of 512")
    func metadataUpdateChecked() async throws {
        try await withServer { server in
            let (status, created) = try await Self.call(server, .POST, "/v1/chat/completions",
                #"{"model":"gpt-4o","store":true,"metadata":{"team":"tides"},"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(status == 200)
            let id = try #require(created["id"]?.stringValue)
            // The stored object carries the request's metadata.
            let (_, stored) = try await Self.call(server, .GET, "/v1/chat/completions/\(id)")
            #expect(stored["metadata"] == .object(["team": .string("tides")]))
            #expect(stored["choices"] == created["choices"])
            let (_, listed) = try await Self.call(server, .GET, "/v1/chat/completions?metadata[team]=tides")
            #expect(listed["data"]?.arrayValue?.first == stored)

            let refused: [(String, String, String)] = [
                (#"{"metadata":\#(Self.metadata(17))}"#, "object_above_max_properties",
                 "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead."),
                (#"{"metadata":{"a":{"nested":"x"}}}"#, "invalid_type", "Invalid type for 'metadata.a': expected a string, but got an object instead."),
                (#"{"metadata":{"a":"\#(String(repeating: "x", count: 513))"}}"#, "string_above_max_length",
                 "Invalid 'metadata.a': string too long. Expected a string with maximum length 512, but got a string with length 513 instead."),
                (#"{"metadata":\#(Self.metadata(1, key: { _ in String(repeating: "k", count: 65) }))}"#, "string_above_max_length",
                 "Invalid 'metadata': key too long. Expected a key with maximum length 64, but got a key with length 65 instead."),
            ]
            for (body, code, message) in refused {
                let (status, error) = try await Self.call(server, .POST, "/v1/chat/completions/\(id)", body)
                #expect(status == 400, "\(body.prefix(80))")
                #expect(error["error"]?["code"] == .string(code))
                #expect(error["error"]?["message"] == .string(message))
            }
            // An 8 MB value is refused too (nothing of it kept), and so is a create with 17 pairs.
            let huge = #"{"metadata":{"a":"\#(String(repeating: "x", count: 7 << 20))"}}"#
            #expect(try await Self.call(server, .POST, "/v1/chat/completions/\(id)", huge).0 == 400)
            let create = #"{"model":"gpt-4o","store":true,"metadata":\#(Self.metadata(17)),"messages":[{"role":"user","content":"hi"}]}"#
            #expect(try await Self.call(server, .POST, "/v1/chat/completions", create).0 == 400)

            // At the limits it is accepted, answered and kept; null clears it.
            let full = Self.metadata(16, key: { "k\($0)" + String(repeating: "k", count: 60) }, value: String(repeating: "é", count: 512))
            let (ok, updated) = try await Self.call(server, .POST, "/v1/chat/completions/\(id)", #"{"metadata":\#(full)}"#)
            #expect(ok == 200)
            #expect(updated["metadata"]?.objectValue?.count == 16)
            #expect(try await Self.call(server, .GET, "/v1/chat/completions/\(id)").1["metadata"] == updated["metadata"])
            let (_, cleared) = try await Self.call(server, .POST, "/v1/chat/completions/\(id)", #"{"metadata":null}"#)
            #expect(cleared["metadata"] == .object([:]))
        }
    }

    @Test("a conversation item of a type the API does not have is a 400 invalid_value naming the item's type")
    func unknownItemType() async throws {
        try await withServer { server in
            let (status, error) = try await Self.call(server, .POST, "/v1/conversations", #"{"items":[{"type":"nope"}]}"#)
            #expect(status == 400)
            #expect(error["error"]?["code"] == .string("invalid_value"))
            #expect(error["error"]?["param"] == .string("items[0].type"))
            #expect(error["error"]?["message"]?.stringValue?.hasPrefix("Invalid value: 'nope'. Supported values are: 'message', ") == true)
            // One item to start with: an empty page's null first_id is what the official document types
            // as a string (specs/openai.yaml, ConversationItemList), a disagreement this test is not about.
            let (_, created) = try await Self.call(server, .POST, "/v1/conversations", #"{"items":[{"role":"user","content":"first"}]}"#)
            let id = try #require(created["id"]?.stringValue)
            let added = try await Self.call(server, .POST, "/v1/conversations/\(id)/items",
                                            #"{"items":[{"role":"user","content":"ok"},{"type":"nope"}]}"#)
            #expect(added.0 == 400)
            #expect(added.1["error"]?["param"] == .string("items[1].type"))
            // Nothing was added.
            #expect(try await Self.call(server, .GET, "/v1/conversations/\(id)/items").1["data"]?.arrayValue?.count == 1)
            // Responses input is read the same way.
            let response = try await Self.call(server, .POST, "/v1/responses", #"{"model":"gpt-4.1","input":[{"type":"nope"}]}"#)
            #expect(response.0 == 400)
            #expect(response.1["error"]?["param"] == .string("input[0].type"))
        }
    }

    @Test("background: true with store: false is refused with a 400; with store (the default) it is accepted")
    func backgroundNeedsStore() async throws {
        try await withServer { server in
            let (status, error) = try await Self.call(server, .POST, "/v1/responses",
                                                      #"{"model":"gpt-4.1","input":"hi","background":true,"store":false}"#)
            #expect(status == 400)
            #expect(error["error"]?["param"] == .string("store"))
            #expect(error["error"]?["type"] == .string("invalid_request_error"))
            #expect(try await Self.call(server, .POST, "/v1/responses", #"{"model":"gpt-4.1","input":"hi","background":true}"#).0 == 200)
        }
    }

    @Test("--models open: a percent-encoded model id in the path is decoded before it is looked up and echoed")
    func percentEncodedModelID() async throws {
        var fixtures = try Fixtures.embedded()
        fixtures.catalog.openDefault = "gpt-4o"
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, contract: testContract, selfCheck: true, clock: .fixed(0)))
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.threads = 1
        let server = try await UnderstudyServer.start(engine: engine, configuration: configuration)
        do {
            let (status, model) = try await Self.call(server, .GET, "/v1/models/ft%3Agpt-4o-mini%3Aacme%3A%3Aabc123")
            #expect(status == 200)
            #expect(model["id"] == .string("ft:gpt-4o-mini:acme::abc123"))
            // A catalog id written with escapes is the catalog's model.
            let (known, gpt) = try await Self.call(server, .GET, "/v1/models/gpt%2D4o")
            #expect(known == 200)
            #expect(gpt["id"] == .string("gpt-4o"))
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
        #expect(engine.selfCheckViolations.isEmpty)
    }

    @Test("a page of a 40 MB conversation costs the page: ?limit=1 reads stay fast, and the record is counted at its text")
    func pageOfLargeConversation() async throws {
        try await withServer { server in
            let big = String(repeating: "lorem ipsum ", count: 8_500)
            let items = (0..<20).map { _ in #"{"role":"user","content":"\#(big)"}"# }.joined(separator: ",")
            let (_, created) = try await Self.call(server, .POST, "/v1/conversations", #"{"items":[\#(items)]}"#)
            let id = try #require(created["id"]?.stringValue)
            for _ in 0..<19 {
                #expect(try await Self.call(server, .POST, "/v1/conversations/\(id)/items", #"{"items":[\#(items)]}"#).0 == 200)
            }
            var slowest: UInt64 = 0
            var last: JSONValue = .null
            for _ in 0..<20 {
                let start = monotonicNanoseconds()
                let (status, page) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?limit=1")
                slowest = max(slowest, monotonicNanoseconds() - start)
                #expect(status == 200)
                last = page
            }
            #expect(last["data"]?.arrayValue?.count == 1)
            #expect(last["has_more"] == .bool(true))
            // 400 items of 100 KB: reading (or counting) all of them costs seconds in a debug build.
            #expect(slowest < 400_000_000, "slowest page read: \(slowest / 1_000_000) ms")
            let after = try #require(last["first_id"]?.stringValue)
            let (_, next) = try await Self.call(server, .GET, "/v1/conversations/\(id)/items?limit=2&after=\(after)")
            #expect(next["data"]?.arrayValue?.count == 2)
            #expect(next["first_id"] != last["first_id"])
        }
    }
}

private func monotonicNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}
