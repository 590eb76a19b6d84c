import UnderstudyContract

/// A hosted tool as a Response lists it back: the live API fills in its defaults, drops request-only
/// members and redacts an MCP server's credentials (read off recorded answers in
/// fixtures/traffic/real/openai/responses: web_search 2026-06/07, web_search_preview 2026-02,
/// file_search 2025-12, image_generation 2025-10 and 2026-03, mcp 2025-10, namespace and
/// tool_search 2026-03 to 2026-08).
enum HostedToolEcho {
    /// The listed form of `tool`, or nil for a tool listed as given (functions, code_interpreter…).
    static func listed(_ tool: JSONObject) -> JSONObject? {
        switch tool["type"]?.stringValue {
        case "web_search", "web_search_2025_08_26":
            var listed = tool
            listed["external_web_access"] = nil
            fill(&listed, [("return_token_budget", .string("default")), ("search_content_types", .array([.string("text")])),
                           ("search_context_size", .string("medium")), ("user_location", defaultLocation)])
            return listed
        case "web_search_preview", "web_search_preview_2025_03_11":
            var listed = tool
            fill(&listed, [("search_context_size", .string("medium")), ("user_location", defaultLocation)])
            return listed
        case "file_search":
            var listed = tool
            fill(&listed, [("filters", .null), ("max_num_results", .int(20)),
                           ("ranking_options", .object(JSONObject([("ranker", .string("auto")), ("score_threshold", .double(0))])))])
            return listed
        case "image_generation":
            var listed = tool
            listed["input_fidelity"] = nil
            listed["partial_images"] = nil
            fill(&listed, [("background", .string("auto")), ("model", .string("gpt-image-1")), ("moderation", .string("auto")),
                           ("n", .int(1)), ("output_compression", .int(100)), ("output_format", .string("png")),
                           ("quality", .string("auto")), ("size", .string("auto"))])
            return listed
        case "mcp":
            return redacted(tool)
        case "tool_search":
            // Listed with null description and parameters (recorded 2026-03 to 2026-08).
            var listed = tool
            fill(&listed, [("description", .null), ("parameters", .null)])
            return listed
        case "namespace":
            // Its functions listed with the strict mode each was given, else strict where the
            // schema can be made strict (recorded 2026-03: every function listed `strict: true`).
            guard let functions = tool["tools"]?.arrayValue else { return nil }
            var listed = tool
            listed["tools"] = .array(functions.map { function in
                guard let object = function.objectValue, object["type"] == .string("function") else { return function }
                return .object(StrictSchemaRules.listedFunction(object))
            })
            return listed
        default:
            return nil
        }
    }

    /// An MCP server's header values, its authorization and its URL's path never come back.
    private static func redacted(_ tool: JSONObject) -> JSONObject {
        var listed = tool
        if let headers = tool["headers"]?.objectValue {
            listed["headers"] = .object(JSONObject(headers.members.map { ($0.key, JSONValue.string("<redacted>")) }))
        }
        if tool["authorization"]?.stringValue != nil { listed["authorization"] = .string("<redacted>") }
        // scheme://host stays; the path (where servers put their keys) goes.
        if let url = tool["server_url"]?.stringValue {
            let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            if parts.count == 4, parts[0].hasSuffix(":"), parts[1].isEmpty, !parts[3].isEmpty {
                listed["server_url"] = .string(parts[0...2].joined(separator: "/") + "/<redacted>")
            }
        }
        return listed
    }

    private static let defaultLocation = JSONValue.object(JSONObject([
        ("city", .null), ("country", .string("US")), ("region", .null), ("timezone", .null), ("type", .string("approximate")),
    ]))

    private static func fill(_ object: inout JSONObject, _ defaults: [(String, JSONValue)]) {
        for (key, value) in defaults where object[key] == nil { object[key] = value }
    }
}
