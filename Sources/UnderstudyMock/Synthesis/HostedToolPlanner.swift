import UnderstudyContract

/// Decides which hosted tools a Response calls, before its message: each hosted tool the request
/// offers is called once, in the order given (`tool_choice: "none"` calls none; a hosted tool
/// named in `tool_choice` is the only one called; a forced function calls none). Deterministic:
/// ids, queries, code and results follow the request's hash and the topic of its last user turn.
struct HostedToolPlanner {
    /// What the plan adds to a Response.
    struct Outcome {
        var calls: [HostedCall] = []
        /// Text the message ends with (a web search's citation), and its annotations, whose
        /// offsets count from the suffix's start.
        var citationSuffix = ""
        var annotations: [(start: Int, end: Int, annotation: JSONObject)] = []
        /// An MCP call waits for the client's approval: the Response ends with the request for it.
        var awaitingApproval = false
    }

    /// The hosted tool types a Response calls.
    static let calledTypes: Set<String> = ["web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11",
                                           "file_search", "code_interpreter", "image_generation", "mcp"]

    var tools: [JSONValue]
    var toolChoice: JSONValue
    var include: Set<String>
    var topic: String

    func plan(ids: inout SplitMix64) -> Outcome {
        var outcome = Outcome()
        if toolChoice == .string("none") { return outcome }
        let forced = toolChoice.objectValue?["type"]?.stringValue
        if forced == "function" || forced == "custom" || forced == "allowed_tools" { return outcome }
        for tool in tools {
            guard let object = tool.objectValue, let type = object["type"]?.stringValue else { continue }
            if let forced, !type.hasPrefix(forced) && !(forced == "mcp" && type == "mcp") { continue }
            switch type {
            case "web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11":
                webSearch(&outcome, ids: &ids)
            case "file_search":
                outcome.calls.append(HostedCall(kind: .fileSearch, item: JSONObject([
                    ("id", .string(ids.hex(48, after: "fs_"))), ("type", .string("file_search_call")), ("status", .string("completed")),
                    ("queries", .array([.string(topic)])),
                    ("results", include.contains("file_search_call.results") ? .array([]) : .null),
                ])))
            case "code_interpreter":
                codeInterpreter(&outcome, ids: &ids)
            case "image_generation":
                imageGeneration(&outcome, object, ids: &ids)
            case "mcp":
                mcp(&outcome, object, ids: &ids)
            default:
                continue
            }
        }
        return outcome
    }

    private func webSearch(_ outcome: inout Outcome, ids: inout SplitMix64) {
        let url = "https://example.com/\(Topic.slug(topic))?utm_source=openai"
        outcome.calls.append(HostedCall(kind: .webSearch, item: JSONObject([
            ("id", .string(ids.hex(48, after: "ws_"))), ("type", .string("web_search_call")), ("status", .string("completed")),
            ("action", .object(JSONObject([("type", .string("search")), ("queries", .array([.string(topic)])), ("query", .string(topic))]))),
        ])))
        // The live API cites its sources inline, as a markdown link the annotation spans.
        let link = "([example.com](\(url)))"
        let start = outcome.citationSuffix.unicodeScalars.count + 1
        outcome.citationSuffix += " " + link
        outcome.annotations.append((start, start + link.unicodeScalars.count, JSONObject([
            ("type", .string("url_citation")), ("end_index", .int(0)), ("start_index", .int(0)),
            ("title", .string("Example Domain: \(topic)")), ("url", .string(url)),
        ])))
    }

    private func codeInterpreter(_ outcome: inout Outcome, ids: inout SplitMix64) {
        let words = topic.split(separator: " ").count
        let code = "topic = \(JSONValue.string(topic).jsonString)\nwords = topic.split()\nprint(len(words), \"words:\", \", \".join(words))"
        let logs = "\(words) words: " + topic.split(separator: " ").joined(separator: ", ") + "\n"
        outcome.calls.append(HostedCall(kind: .codeInterpreter, item: JSONObject([
            ("id", .string(ids.hex(48, after: "ci_"))), ("type", .string("code_interpreter_call")), ("status", .string("completed")),
            ("code", .string(code)), ("container_id", .string(ids.hex(48, after: "cntr_"))),
            ("outputs", include.contains("code_interpreter_call.outputs")
                ? .array([.object(JSONObject([("type", .string("logs")), ("logs", .string(logs))]))]) : .null),
        ])))
    }

    private func imageGeneration(_ outcome: inout Outcome, _ tool: JSONObject, ids: inout SplitMix64) {
        let format = tool["output_format"]?.stringValue ?? "png"
        outcome.calls.append(HostedCall(kind: .imageGeneration, item: JSONObject([
            ("id", .string(ids.hex(48, after: "ig_"))), ("type", .string("image_generation_call")), ("status", .string("completed")),
            ("background", .string(tool["background"]?.stringValue.flatMap { $0 == "auto" ? nil : $0 } ?? "opaque")),
            ("output_format", .string(format)),
            ("quality", .string(tool["quality"]?.stringValue.flatMap { $0 == "auto" ? nil : $0 } ?? "high")),
            ("result", .string(Self.onePixelPNG)),
            ("revised_prompt", .string("An illustration of \(topic).")),
            ("size", .string(tool["size"]?.stringValue.flatMap { $0 == "auto" ? nil : $0 } ?? "1024x1024")),
        ])))
    }

    /// Lists the server's tools, then calls the first: with `require_approval: "never"` (or that
    /// tool under `never`'s names) the call runs; otherwise the Response ends with the approval
    /// request, as the live API's default (`always`) does.
    private func mcp(_ outcome: inout Outcome, _ tool: JSONObject, ids: inout SplitMix64) {
        let label = tool["server_label"]?.stringValue ?? "mcp"
        var names = (tool["allowed_tools"]?.arrayValue ?? tool["allowed_tools"]?["tool_names"]?.arrayValue ?? []).compactMap(\.stringValue)
        if names.isEmpty { names = ["search"] }
        let listed: [JSONValue] = names.map { name in
            .object(JSONObject([
                ("annotations", .object(["read_only": .bool(true)])), ("description", .string("\(name) on \(label)")),
                ("input_schema", .object(JSONObject([
                    ("type", .string("object")), ("properties", .object(["query": .object(["type": .string("string")])])),
                    ("required", .array([.string("query")])), ("additionalProperties", .bool(false)),
                ]))),
                ("name", .string(name)),
            ]))
        }
        outcome.calls.append(HostedCall(kind: .mcpListTools, item: JSONObject([
            ("id", .string(ids.hex(48, after: "mcpl_"))), ("type", .string("mcp_list_tools")), ("server_label", .string(label)),
            ("tools", .array(listed)),
        ])))
        let arguments = JSONValue.object(["query": .string(topic)]).jsonString
        let approval = tool["require_approval"]
        let never = approval == .string("never")
            || (approval?["never"]?["tool_names"]?.arrayValue ?? []).contains(.string(names[0]))
        if never {
            outcome.calls.append(HostedCall(kind: .mcpCall, item: JSONObject([
                ("id", .string(ids.hex(48, after: "mcp_"))), ("type", .string("mcp_call")), ("status", .string("completed")),
                ("approval_request_id", .null), ("arguments", .string(arguments)), ("error", .null), ("name", .string(names[0])),
                ("output", .string("Results from \(label) for \(topic).")), ("server_label", .string(label)),
            ])))
        } else {
            outcome.calls.append(HostedCall(kind: .mcpApprovalRequest, item: JSONObject([
                ("id", .string(ids.hex(48, after: "mcpr_"))), ("type", .string("mcp_approval_request")), ("arguments", .string(arguments)),
                ("name", .string(names[0])), ("server_label", .string(label)),
            ])))
            outcome.awaitingApproval = true
        }
    }

    /// A valid 1×1 PNG: what `result` decodes to (the live API's is the generated image).
    static let onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
}
