import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer

/// Answers shaped as the live API's recorded ones (issue 20, item 4): the members it sends today,
/// none it never sends, hosted tools' items and events.
@Suite("Live API shapes over a socket")
struct LiveShapeServerTests {
    static func post(_ path: String, _ json: String) async throws -> (status: Int, body: JSONValue, raw: [UInt8]) {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, path, json: json)
        }
        let parsed = (try? JSONParser.parse(result.body)) ?? .null
        return (result.status, parsed, result.body)
    }

    static func events(_ json: String) async throws -> [JSONValue] {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/responses", json: json)
        }
        return try SSEParser.events(result.body).map { try JSONParser.parse($0.data) }
    }

    @Test("a Response lists what the live API lists today and no output_text")
    func responseMembers() async throws {
        let r = try await Self.post("/v1/responses", #"{"model":"gpt-4.1","input":"Hello","prompt_cache_key":"k1","safety_identifier":"u-7"}"#)
        #expect(r.status == 200)
        let keys = r.body.objectValue?.keys ?? []
        #expect(!keys.contains("output_text"))
        for key in ["billing", "frequency_penalty", "presence_penalty", "prompt_cache_key", "prompt_cache_retention", "safety_identifier",
                    "moderation", "tool_usage", "top_logprobs", "max_tool_calls"] {
            #expect(keys.contains(key), "\(key)")
        }
        #expect(r.body["billing"]?["payer"] == .string("developer"))
        #expect(r.body["prompt_cache_key"] == .string("k1") && r.body["safety_identifier"] == .string("u-7"))
        #expect(r.body["prompt_cache_retention"] == .string("in_memory") && r.body["top_p"]?.doubleValue == 1)
        #expect(r.body["tool_usage"]?["web_search"]?["num_requests"] == .int(0))
        // A model that does not reason: context null (recorded since 2026-06), no mode.
        #expect(r.body["reasoning"]?.objectValue?.keys == ["context", "effort", "summary"])
        #expect(r.body["reasoning"]?["context"] == .null)
        #expect(r.body["output"]?[0]?["phase"] == nil)
    }

    @Test("gpt-5.5 answers as recorded: phase, reasoning context and mode, top_p 0.98, 24h retention, encrypted reasoning on request")
    func newestModel() async throws {
        let r = try await Self.post("/v1/responses",
            #"{"model":"gpt-5.5","input":"Hello","include":["reasoning.encrypted_content"],"reasoning":{"effort":"low"}}"#)
        #expect(r.status == 200)
        #expect(r.body["top_p"] == .double(0.98) && r.body["prompt_cache_retention"] == .string("24h"))
        #expect(r.body["reasoning"]?["context"] == .string("all_turns") && r.body["reasoning"]?["mode"] == .string("standard"))
        let output = r.body["output"]?.arrayValue ?? []
        #expect(output.map { $0["type"]?.stringValue } == ["reasoning", "message"])
        #expect(output.first?["encrypted_content"]?.stringValue?.hasPrefix("gAAAAA") == true)
        #expect(output.last?["phase"] == .string("final_answer"))
    }

    @Test("chat: a reasoning model's choices carry no logprobs member, gpt-4o's carry null")
    func chatLogprobs() async throws {
        for (model, present) in [("gpt-5-mini", false), ("gpt-4o", true), ("gpt-4o-search-preview", false)] {
            let r = try await Self.post("/v1/chat/completions", #"{"model":"\#(model)","messages":[{"role":"user","content":"Hi"}]}"#)
            #expect(r.status == 200)
            let choice = r.body["choices"]?[0]?.objectValue
            #expect(choice?.keys.contains("logprobs") == present, "\(model)")
        }
    }

    @Test("web search: a web_search_call before the message, whose url_citation spans the link at the end of the text")
    func webSearch() async throws {
        let r = try await Self.post("/v1/responses", #"{"model":"gpt-4.1","input":"Tallest mountain in Alberta?","tools":[{"type":"web_search"}]}"#)
        let output = r.body["output"]?.arrayValue ?? []
        #expect(output.map { $0["type"]?.stringValue } == ["web_search_call", "message"])
        #expect(output[0]["action"]?["type"] == .string("search") && output[0]["status"] == .string("completed"))
        let part = try #require(output.last?["content"]?[0])
        let text = Array(try #require(part["text"]?.stringValue).unicodeScalars)
        let annotation = try #require(part["annotations"]?[0])
        #expect(annotation["type"] == .string("url_citation"))
        let start = Int(try #require(annotation["start_index"]?.integerValue)), end = Int(try #require(annotation["end_index"]?.integerValue))
        let cited = String(String.UnicodeScalarView(text[start..<end]))
        #expect(cited.contains(try #require(annotation["url"]?.stringValue)) && end == text.count)
        #expect(r.body["tool_usage"]?["web_search"]?["num_requests"] == .int(1))

        let events = try await Self.events(#"{"model":"gpt-4.1","input":"Tallest mountain in Alberta?","tools":[{"type":"web_search"}],"stream":true}"#)
        let types = events.compactMap { $0["type"]?.stringValue }
        let searching = ["response.output_item.added", "response.web_search_call.in_progress", "response.web_search_call.searching",
                         "response.web_search_call.completed", "response.output_item.done"]
        #expect(Array(types[2..<7]) == searching)
        #expect(types.contains("response.output_text.annotation.added"))
        let deltas = events.filter { $0["type"] == .string("response.output_text.delta") }
        #expect(!deltas.isEmpty && deltas.allSatisfy { $0["obfuscation"]?.stringValue != nil })
        #expect(deltas.compactMap { $0["delta"]?.stringValue }.joined() == String(String.UnicodeScalarView(text)))
    }

    @Test("code interpreter: code streamed in deltas, outputs only when include asks")
    func codeInterpreter() async throws {
        let body = #"{"model":"gpt-4.1","input":"Count the words in this sentence","tools":[{"type":"code_interpreter","container":{"type":"auto"}}]"#
        let plain = try await Self.post("/v1/responses", body + "}")
        #expect(plain.body["output"]?[0]?["type"] == .string("code_interpreter_call") && plain.body["output"]?[0]?["outputs"] == .null)
        let included = try await Self.post("/v1/responses", body + #","include":["code_interpreter_call.outputs"]}"#)
        #expect(included.body["output"]?[0]?["outputs"]?[0]?["type"] == .string("logs"))
        let events = try await Self.events(body + #","stream":true}"#)
        let code = events.filter { $0["type"] == .string("response.code_interpreter_call_code.delta") }.compactMap { $0["delta"]?.stringValue }.joined()
        #expect(!code.isEmpty && code == plain.body["output"]?[0]?["code"]?.stringValue)
        #expect(events.contains { $0["type"] == .string("response.code_interpreter_call.interpreting") })
    }

    @Test("MCP: tools listed then called with require_approval never; otherwise the turn ends with an approval request")
    func mcp() async throws {
        let tool = #"{"type":"mcp","server_label":"wiki","server_url":"https://mcp.example.com/sse","allowed_tools":["ask"]"#
        let never = try await Self.post("/v1/responses", #"{"model":"gpt-4.1","input":"Summarise the repo","tools":[\#(tool),"require_approval":"never"}]}"#)
        #expect(never.body["output"]?.arrayValue?.map { $0["type"]?.stringValue } == ["mcp_list_tools", "mcp_call", "message"])
        #expect(never.body["output"]?[1]?["name"] == .string("ask") && never.body["output"]?[1]?["server_label"] == .string("wiki"))
        let asked = try await Self.post("/v1/responses", #"{"model":"gpt-4.1","input":"Summarise the repo","tools":[\#(tool)}]}"#)
        #expect(asked.body["output"]?.arrayValue?.map { $0["type"]?.stringValue } == ["mcp_list_tools", "mcp_approval_request"])
        let none = try await Self.post("/v1/responses", #"{"model":"gpt-4.1","input":"Hi","tools":[\#(tool)}],"tool_choice":"none"}"#)
        #expect(none.body["output"]?.arrayValue?.map { $0["type"]?.stringValue } == ["message"])
    }

    @Test("function_call_arguments.done carries no name, as every recorded live event")
    func argumentsDone() async throws {
        let events = try await Self.events(#"""
            {"model":"gpt-4.1","input":"Weather in Paris?","stream":true,"tool_choice":"required",
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}
            """#)
        let done = try #require(events.first { $0["type"] == .string("response.function_call_arguments.done") })
        #expect(done["name"] == nil && done["arguments"]?.stringValue != nil)
    }

    @Test("hosted tools are listed back as the live API lists them: defaults filled, request-only members dropped, MCP credentials redacted")
    func hostedToolEcho() async throws {
        let r = try await Self.post("/v1/responses", #"""
            {"model":"gpt-4.1","input":"Hi","tool_choice":"none","tools":[
             {"type":"web_search","external_web_access":false},
             {"type":"image_generation","partial_images":2,"input_fidelity":null},
             {"type":"mcp","server_label":"wiki","server_url":"https://mcp.example.com/sse/key-123","headers":{"x-key":"secret"},"require_approval":"never"}]}
            """#)
        let tools = r.body["tools"]?.arrayValue ?? []
        #expect(tools[0]["external_web_access"] == nil && tools[0]["user_location"]?["country"] == .string("US"))
        #expect(tools[1]["partial_images"] == nil && tools[1]["model"] == .string("gpt-image-1") && tools[1]["n"] == .int(1))
        #expect(tools[2]["headers"]?["x-key"] == .string("<redacted>"))
        #expect(tools[2]["server_url"] == .string("https://mcp.example.com/<redacted>"))
        #expect(!String(decoding: r.raw, as: UTF8.self).contains("secret") && !String(decoding: r.raw, as: UTF8.self).contains("key-123"))
    }
}
