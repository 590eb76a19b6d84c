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
