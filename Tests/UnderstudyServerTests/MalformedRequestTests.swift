import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer
import UnderstudyMock

/// Bad input gets a clear error in the envelope, never a crash, and the server keeps serving.
@Suite("Malformed requests")
struct MalformedRequestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPMethod = .POST
        var path = "/v1/chat/completions"
        var body: [UInt8]?
        var contentType: String? = "application/json"
        var status: Int
        var code: String?
        var param: String?
        /// A fragment the message must contain, so the developer learns what to fix.
        var says: String

        var testDescription: String { name }

        init(_ name: String, _ body: String?, status: Int = 400, code: String? = nil, param: String? = nil, says: String,
             method: HTTPMethod = .POST, path: String = "/v1/chat/completions", contentType: String? = "application/json") {
            self.name = name
            self.body = body.map { Array($0.utf8) }
            self.status = status
            self.code = code
            self.param = param
            self.says = says
            self.method = method
            self.path = path
            self.contentType = contentType
        }

        init(_ name: String, bytes: [UInt8], status: Int = 400, code: String? = nil, param: String? = nil, says: String) {
            self.init(name, nil, status: status, code: code, param: param, says: says)
            self.body = bytes
        }
    }

    static let user = #"[{"role":"user","content":"hi"}]"#

    static let cases: [Case] = [
        Case("empty body", "", says: "could not parse the JSON body"),
        Case("truncated JSON", #"{"model":"gpt-4o","messages":[{"role":"us"#, says: "Unterminated string"),
        Case("not JSON at all", "model=gpt-4o", says: "could not parse the JSON body"),
        Case("trailing garbage", #"{"model":"gpt-4o","messages":\#(user)} extra"#, says: "after the end of the JSON value"),
        Case("trailing comma", #"{"model":"gpt-4o","messages":\#(user),}"#, says: "expected a string key"),
        Case("single quotes", #"{'model':'gpt-4o'}"#, says: "expected a string key"),
        Case("NaN literal", #"{"model":"gpt-4o","temperature":NaN,"messages":\#(user)}"#, says: "expected a value"),
        Case("leading zero number", #"{"model":"gpt-4o","n":01,"messages":\#(user)}"#, says: "leading zeros"),
        Case("invalid UTF-8", bytes: Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":""#.utf8) + [0xC3, 0x28] + Array(#""}]}"#.utf8),
             says: "Invalid UTF-8"),
        Case("lone surrogate escape", #"{"model":"gpt-4o","messages":[{"role":"user","content":"\ud800"}]}"#, says: "surrogate"),
        Case("control character in string", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"a\u{01}b\"}]}", says: "Control character"),
        Case("nested 100,000 deep", String(repeating: "[", count: 100_000), says: "nested more than"),
        Case("top-level array", "[]", code: "invalid_type", says: "must be a JSON object"),
        Case("top-level string", #""hello""#, code: "invalid_type", says: "must be a JSON object"),
        Case("missing model", #"{"messages":\#(user)}"#, code: "missing_required_parameter", says: "must provide a model"),
        Case("empty model", #"{"model":"","messages":\#(user)}"#, code: "missing_required_parameter", says: "must provide a model"),
        Case("model is a number", #"{"model":4,"messages":\#(user)}"#, code: "invalid_type", param: "model", says: "expected a string, but got an integer"),
        Case("missing messages", #"{"model":"gpt-4o"}"#, code: "missing_required_parameter", param: "messages", says: "Missing required parameter: 'messages'"),
        Case("messages is a string", #"{"model":"gpt-4o","messages":"hi"}"#, code: "invalid_type", param: "messages", says: "expected an array"),
        Case("messages empty", #"{"model":"gpt-4o","messages":[]}"#, code: "empty_array", param: "messages", says: "minimum length 1"),
        Case("message is a string", #"{"model":"gpt-4o","messages":["hi"]}"#, code: "invalid_type", param: "messages[0]", says: "expected an object"),
        Case("message is null", #"{"model":"gpt-4o","messages":[null]}"#, code: "invalid_type", param: "messages[0]", says: "expected an object"),
        Case("missing role", #"{"model":"gpt-4o","messages":[{"content":"hi"}]}"#, code: "missing_required_parameter", param: "messages[0].role", says: "'messages[0].role'"),
        Case("unknown role", #"{"model":"gpt-4o","messages":[{"role":"wizard","content":"hi"}]}"#, code: "invalid_value", param: "messages[0].role", says: "Supported values are"),
        Case("missing content", #"{"model":"gpt-4o","messages":[{"role":"user"}]}"#, code: "missing_required_parameter", param: "messages[0].content", says: "messages[0].content"),
        Case("content is a number", #"{"model":"gpt-4o","messages":[{"role":"user","content":42}]}"#, code: "invalid_type", param: "messages[0].content", says: "got an integer"),
        Case("unknown content part", #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"video","video":{}}]}]}"#, code: "invalid_value", param: "messages[0].content[0].type", says: "'video'"),
        Case("text part without text", #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text"}]}]}"#, code: "missing_required_parameter", param: "messages[0].content[0].text", says: "text"),
        Case("image part without url", #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}"#, code: "missing_required_parameter", param: "messages[0].content[0].image_url.url", says: "url"),
        Case("bad image detail", #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"ultra"}}]}]}"#, code: "invalid_value", param: "messages[0].content[0].image_url.detail", says: "'ultra'"),
        Case("tool message without tool_call_id", #"{"model":"gpt-4o","messages":[{"role":"tool","content":"42"}]}"#, code: "missing_required_parameter", param: "messages[0].tool_call_id", says: "tool_call_id"),
        Case("absurd n", #"{"model":"gpt-4o","n":1000,"messages":\#(user)}"#, code: "integer_above_max_value", param: "n", says: "Expected a value <= 128, but got 1000"),
        Case("n of zero", #"{"model":"gpt-4o","n":0,"messages":\#(user)}"#, code: "integer_below_min_value", param: "n", says: ">= 1"),
        Case("n is a string", #"{"model":"gpt-4o","n":"two","messages":\#(user)}"#, code: "invalid_type", param: "n", says: "expected an integer"),
        Case("n is fractional", #"{"model":"gpt-4o","n":1.5,"messages":\#(user)}"#, code: "invalid_type", param: "n", says: "expected an integer"),
        Case("negative max_tokens", #"{"model":"gpt-4o","max_tokens":-5,"messages":\#(user)}"#, code: "integer_below_min_value", param: "max_tokens", says: ">= 1"),
        Case("huge number", #"{"model":"gpt-4o","max_tokens":1e300,"messages":\#(user)}"#, code: "integer_above_max_value", param: "max_tokens", says: "above maximum"),
        Case("number out of double range", #"{"model":"gpt-4o","seed":1e400,"messages":\#(user)}"#, says: "out of range"),
        Case("max_tokens above model limit", #"{"model":"gpt-4","max_tokens":50000,"messages":\#(user)}"#, code: "invalid_value", param: "max_tokens", says: "at most 4096 completion tokens"),
        Case("temperature too high", #"{"model":"gpt-4o","temperature":5,"messages":\#(user)}"#, code: "decimal_above_max_value", param: "temperature", says: "<= 2"),
        Case("temperature is a string", #"{"model":"gpt-4o","temperature":"hot","messages":\#(user)}"#, code: "invalid_type", param: "temperature", says: "expected a number"),
        Case("top_p above 1", #"{"model":"gpt-4o","top_p":2,"messages":\#(user)}"#, code: "decimal_above_max_value", param: "top_p", says: "<= 1"),
        Case("five stop sequences", #"{"model":"gpt-4o","stop":["a","b","c","d","e"],"messages":\#(user)}"#, code: "array_above_max_length", param: "stop", says: "maximum length 4"),
        Case("stream is a string", #"{"model":"gpt-4o","stream":"yes","messages":\#(user)}"#, code: "invalid_type", param: "stream", says: "expected a boolean"),
        Case("stream_options without stream", #"{"model":"gpt-4o","stream_options":{"include_usage":true},"messages":\#(user)}"#, code: "invalid_value", param: "stream_options", says: "only allowed when 'stream' is enabled"),
        Case("unknown argument", #"{"model":"gpt-4o","messages":\#(user),"temprature":1}"#, code: "unknown_parameter", param: "temprature", says: "Unrecognized request argument supplied: temprature"),
        Case("unknown model", #"{"model":"gpt-9","messages":\#(user)}"#, status: 404, code: "model_not_found", says: "The model `gpt-9` does not exist"),
        Case("wrong content type", #"{"model":"gpt-4o","messages":\#(user)}"#, status: 415, code: "unsupported_media_type", says: "Content-Type 'text/plain'", contentType: "text/plain"),
        Case("PUT on chat completions", nil, status: 405, code: "method_not_allowed", says: "POST", method: .PUT),
        Case("DELETE on /v1/models", nil, status: 405, code: "method_not_allowed", says: "Use GET", method: .DELETE, path: "/v1/models"),
        Case("unknown path", #"{}"#, status: 404, code: "unknown_url", says: "Invalid URL (POST /v1/chat/completion)", path: "/v1/chat/completion"),
    ]

    static let good = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Still there?"}]}"#

    @Test("each malformed request gets its envelope, and the connection keeps serving", arguments: cases)
    func malformed(_ c: Case) async throws {
        try await withServer { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                let headers = c.contentType.map { [("content-type", $0)] } ?? []
                let r = try await connection.send(c.method, c.path, body: c.body, headers: headers)
                #expect(r.status == c.status)
                #expect(r.headers.first(name: "content-type") == "application/json")
                let error = try #require(try JSONParser.parse(r.body)["error"]?.objectValue)
                #expect(error.keys == ["message", "type", "param", "code"])
                #expect(error["type"] == .string("invalid_request_error"))
                #expect(error["code"] == (c.code.map(JSONValue.string) ?? .null))
                #expect(error["param"] == (c.param.map(JSONValue.string) ?? .null))
                let message = try #require(error["message"]?.stringValue)
                #expect(message.contains(c.says), "message was: \(message)")
                let next = try await connection.send(.POST, "/v1/chat/completions", body: Array(Self.good.utf8))
                #expect(next.status == 200)
            }
        }
    }

    @Test("at least 30 kinds of malformed request are covered")
    func coverage() {
        #expect(Self.cases.count >= 30)
    }

    @Test("a body over the limit gets 413, and the server keeps serving")
    func oversizedBody() async throws {
        try await withServer(configure: { $0.maxBodyBytes = 64 * 1024 }) { server in
            let big = #"{"model":"gpt-4o","messages":[{"role":"user","content":""# + String(repeating: "a", count: 100_000) + #""}]}"#
            let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: big)
            #expect(r.status == 413)
            #expect(try JSONParser.parse(r.body)["error"]?["code"] == .string("request_too_large"))
            // Far over the limit: answered at once from the headers, then the connection closes.
            let huge = try await TestHTTPClient.raw(port: server.port, Array(
                "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 999999999\r\n\r\n{".utf8))
            #expect(huge.hasPrefix("HTTP/1.1 413 "))
            #expect(huge.contains("connection: close"))
            let after = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.good)
            #expect(after.status == 200)
        }
    }

    @Test("unparseable HTTP and oversized headers get an envelope and a closed connection")
    func brokenHTTP() async throws {
        try await withServer { server in
            let garbage = try await TestHTTPClient.raw(port: server.port, Array("HELLO WORLD\r\n\r\n".utf8))
            #expect(garbage.hasPrefix("HTTP/1.1 400 "))
            #expect(garbage.contains(#""type":"invalid_request_error""#))
            let bigHeader = "GET /health HTTP/1.1\r\nhost: x\r\nx-big: " + String(repeating: "b", count: 70_000) + "\r\n\r\n"
            let headers = try await TestHTTPClient.raw(port: server.port, Array(bigHeader.utf8))
            #expect(headers.hasPrefix("HTTP/1.1 431 "))
            let after = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.good)
            #expect(after.status == 200)
        }
    }
}

@Suite("Request validation modes")
struct RequestValidationModeTests {
    static let nestedUnknown = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi","mood":"happy"}]}"#

    @Test("strict: a nested unknown member is named as the API names it")
    func strict() async throws {
        try await withServer { server in
            let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.nestedUnknown)
            #expect(r.status == 400)
            let error = try #require(try JSONParser.parse(r.body)["error"])
            #expect(error["message"] == .string("Unknown parameter: 'messages[0].mood'."))
            #expect(error["param"] == .string("messages[0].mood"))
            #expect(error["code"] == .string("unknown_parameter"))
        }
    }

    @Test("warn and off: the request is served; /openapi.yaml serves the contract")
    func lenient() async throws {
        for mode in [RequestValidation.warn, .off] {
            let engine = MockEngine(configuration: MockConfiguration(
                fixtures: try Fixtures.embedded(), contract: testContract, requestValidation: mode, clock: .fixed(0)))
            let response = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(Self.nestedUnknown.utf8)))
            #expect(response.status == 200)
            #expect(response.violations.count == (mode == .warn ? 1 : 0))
            #expect(response.violations.first?.contains("/messages/0/mood") ?? (mode == .off))
        }
        try await withServer { server in
            let spec = try await TestHTTPClient.send(port: server.port, .GET, "/openapi.yaml")
            #expect(spec.status == 200)
            #expect(spec.headers.first(name: "content-type") == "application/yaml")
            #expect(spec.text.contains("CreateChatCompletionRequest:"))
        }
    }
}
