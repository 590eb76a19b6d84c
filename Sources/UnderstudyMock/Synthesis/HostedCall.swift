import UnderstudyContract

/// One call of a hosted tool (web search, file search, code interpreter, image generation, an MCP
/// server) in a Response's output: the item as it is finally listed, and what its stream says.
///
/// Shapes and event order as the live API sends them, read off recorded traffic
/// (pydantic/pydantic-ai tests/models/cassettes/test_openai_responses: test_openai_include_raw_annotations_*,
/// test_openai_responses_model_file_search_tool*, test_openai_responses_code_execution_return_image*,
/// test_openai_responses_model_mcp_server_tool*, test_openai_responses_image_generation*).
public struct HostedCall: Sendable {
    public enum Kind: String, Sendable {
        case webSearch = "web_search_call"
        case fileSearch = "file_search_call"
        case codeInterpreter = "code_interpreter_call"
        case imageGeneration = "image_generation_call"
        case mcpListTools = "mcp_list_tools"
        case mcpCall = "mcp_call"
        case mcpApprovalRequest = "mcp_approval_request"
        case toolSearchCall = "tool_search_call"
        case toolSearchOutput = "tool_search_output"
    }

    public var kind: Kind
    /// The item as `output` lists it once done.
    public var item: JSONObject

    public var id: String { item["id"]?.stringValue ?? "" }

    /// The item as `response.output_item.added` shows it, before the call has run.
    public var started: JSONObject {
        var started = JSONObject()
        for (key, value) in item.members {
            switch (kind, key) {
            case (_, "status"): started[key] = .string("in_progress")
            // The live API's added item has no `action` yet; the published document and the
            // SDK require one, so it is listed from the start here.
            case (.fileSearch, "queries"), (.mcpListTools, "tools"): started[key] = .array([])
            case (.toolSearchCall, "arguments"): started[key] = .object([:])
            case (.codeInterpreter, "code"), (.mcpCall, "arguments"): started[key] = .string("")
            case (.codeInterpreter, "outputs"): started[key] = .array([])
            case (.mcpCall, "output"), (.imageGeneration, "result"): started[key] = .null
            default: started[key] = value
            }
        }
        return started
    }

    /// The events between the item's `added` and `done`, each a type and its extra members.
    public var progressEvents: [(type: String, members: [(String, JSONValue)])] {
        let prefix = "response." + kind.rawValue
        switch kind {
        case .webSearch, .fileSearch:
            return [(prefix + ".in_progress", []), (prefix + ".searching", []), (prefix + ".completed", [])]
        case .codeInterpreter:
            let code = item["code"]?.stringValue ?? ""
            return [(prefix + ".in_progress", [])]
                + TokenPieces.split(code).map { ("response.code_interpreter_call_code.delta", [("delta", .string(String($0)))]) }
                + [("response.code_interpreter_call_code.done", [("code", .string(code))]),
                   (prefix + ".interpreting", []), (prefix + ".completed", [])]
        case .imageGeneration:
            return [(prefix + ".in_progress", []), (prefix + ".generating", []),
                    (prefix + ".partial_image", [("partial_image_b64", item["result"] ?? .string("")), ("partial_image_index", .int(0)),
                                                 ("background", item["background"] ?? .null), ("output_format", item["output_format"] ?? .null),
                                                 ("quality", item["quality"] ?? .null), ("size", item["size"] ?? .null)]),
                    (prefix + ".completed", [])]
        case .mcpListTools:
            return [(prefix + ".in_progress", []), (prefix + ".completed", [])]
        case .mcpCall:
            let arguments = item["arguments"] ?? .string("{}")
            return [(prefix + ".in_progress", []), ("response.mcp_call_arguments.delta", [("delta", arguments)]),
                    ("response.mcp_call_arguments.done", [("arguments", arguments)]), (prefix + ".completed", [])]
        case .mcpApprovalRequest, .toolSearchCall, .toolSearchOutput:
            return []
        }
    }
}
