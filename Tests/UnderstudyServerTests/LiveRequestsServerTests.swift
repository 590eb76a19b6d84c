import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer

/// Issue 20: requests the live API answered 200 (recorded by public projects) are answered 200 here:
/// serve validates requests against the same contract `validate` uses.
@Suite("serve answers the real requests the live API answered")
struct LiveRequestsServerTests {
    @Test("chat requests: a tool message with name, stop [], tools null, response_format null, a prompt_cache_breakpoint part", arguments: [
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"weather?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","name":"get_weather","content":"sunny"}]}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stop":[]}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":null}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":null}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"hi","prompt_cache_breakpoint":{"mode":"explicit"}}]}]}"#,
    ])
    func chat(request: String) async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: request)
        }
        #expect(result.status == 200, "\(result.text)")
    }

    @Test("Responses requests: replayed items with status null and an output_text part without annotations; temperature on gpt-5.x with reasoning effort none", arguments: [
        #"{"model":"gpt-4o","input":[{"role":"user","content":"weather?"},{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{}","status":null},{"type":"function_call_output","call_id":"call_1","output":"sunny"}]}"#,
        #"{"model":"gpt-4o","input":[{"role":"user","content":"hi"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello"}]},{"role":"user","content":"again"}]}"#,
        #"{"model":"gpt-5.1","input":"hi","temperature":0.2,"reasoning":{"effort":"none"}}"#,
    ])
    func responses(request: String) async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/responses", json: request)
        }
        #expect(result.status == 200, "\(result.text)")
    }

    @Test("temperature on a reasoning model without effort none is still refused, as the live API refuses it")
    func temperatureWithReasoning() async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/responses", json: #"{"model":"gpt-5.1","input":"hi","temperature":0.2,"reasoning":{"effort":"low"}}"#)
        }
        #expect(result.status == 400, "\(result.text)")
    }

    @Test("the model id gpt-5.6 is served (the live API answered it in 2026 recordings)")
    func gpt56() async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/responses", json: #"{"model":"gpt-5.6","input":"hi"}"#)
        }
        #expect(result.status == 200, "\(result.text)")
    }
}
