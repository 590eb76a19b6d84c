import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer

/// Issue 21, item 9: what one request may make the server write is bounded for the whole answer.
/// `n` multiplied the generator's 1,000,000-character budget (one 750-byte streaming request sent
/// 4.88 GB in 15.9 M frames); the choices now share it. Bounded by what is sent, not by a clock.
@Suite("Output budget across choices", .timeLimit(.minutes(1)))
struct OutputBudgetTests {
    static func request(n: Int, stream: Bool) -> String {
        let schema = #"{"type":"object","properties":{"s":{"type":"string","minLength":100000}},"required":["s"],"additionalProperties":false}"#
        return ##"{"model":"gpt-4o","n":\##(n),"stream":\##(stream),"messages":[{"role":"user","content":"Give me the record."}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":\##(schema)}}}"##
    }

    @Test("n = 20 choices of 100,000 characters each (2 M in all) is a 400 naming the shared budget, streamed or not")
    func sharedBudget() async throws {
        try await withServer { server in
            for stream in [false, true] {
                let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.request(n: 20, stream: stream))
                #expect(r.status == 400, "\(r.text.prefix(300))")
                #expect(r.body.count < 10_000, "sent \(r.body.count) bytes in \(r.parts.count) parts")
                let error = try JSONParser.parse(r.body)["error"]
                #expect(error?["param"]?.stringValue == "response_format")
                #expect(error?["message"]?.stringValue?.contains("shared by all the request's choices") == true, "\(r.text.prefix(300))")
            }
        }
    }

    @Test("n = 8 of 100,000 characters (800,000 in all) is within the budget and served")
    func withinBudget() async throws {
        try await withServer { server in
            let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.request(n: 8, stream: false))
            #expect(r.status == 200, "\(r.text.prefix(300))")
            let choices = try JSONParser.parse(r.body)["choices"]?.arrayValue ?? []
            #expect(choices.count == 8)
        }
    }

    /// The items repeat (an integer from a small range cannot tell 10,000 objects apart): each of
    /// the generator's attempts is validated, and every validation is one pass, not 50 million
    /// comparisons.
    @Test("uniqueItems over 10,000 generated objects: answered with the 10,000 items")
    func uniqueItems() async throws {
        let schema = #"{"type":"object","properties":{"a":{"type":"array","minItems":10000,"uniqueItems":true,"items":{"type":"object","properties":{"k":{"type":"integer"}},"required":["k"]}}},"required":["a"]}"#
        let body = ##"{"model":"gpt-4o","messages":[{"role":"user","content":"List them."}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":\##(schema)}}}"##
        try await withServer { server in
            let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: body)
            #expect(r.status == 200, "\(r.text.prefix(300))")
            let content = try JSONParser.parse(r.body)["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""
            #expect(try JSONParser.parse(Array(content.utf8))["a"]?.arrayValue?.count == 10_000)
        }
    }
}
