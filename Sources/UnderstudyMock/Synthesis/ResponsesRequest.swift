import UnderstudyContract

/// A Responses API request, read and checked. Its input becomes chat messages, so text, usage and
/// budgets are decided exactly as for Chat Completions; `inputItems` keeps the items as the API
/// lists them back (GET /responses/{id}/input_items).
public struct ResponsesRequest: Sendable {
    public var model: String
    /// The input as conversation messages (without the instructions: see `promptMessages`).
    public var messages: [ChatMessage]
    /// The input normalised to items (a string becomes a user message), without ids yet.
    public var inputItems: [JSONValue]
    public var instructions: String?
    public var maxOutputTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var metadata: JSONObject
    public var parallelToolCalls: Bool
    public var truncation: String
    public var reasoningEffort: String?
    public var reasoningSummary: String?
    public var store: Bool
    public var background: Bool
    public var stream: Bool
    public var previousResponseID: String?
    /// The conversation this response belongs to (`conversation`, an id or `{"id": …}`).
    public var conversationID: String?
    public var textFormat: JSONValue
    public var tools: [JSONValue]
    public var toolChoice: JSONValue
    public var serviceTier: String?
    public var user: String?
    /// Echoed as given (null when not): the live API lists each of these on every Response.
    public var promptCacheKey: String?
    public var promptCacheRetention: String?
    public var safetyIdentifier: String?
    public var frequencyPenalty: Double?
    public var presencePenalty: Double?
    public var maxToolCalls: Int?
    /// `top_logprobs` as given (0 when not): the Response lists it whether or not logprobs were included.
    public var topLogprobs: Int = 0
    /// `reasoning.context` as given (`auto` or none: the model's default is reported).
    public var reasoningContext: String?
    /// `reasoning.mode` as given (a reasoning model reports `standard` otherwise).
    public var reasoningMode: String?
    /// `include: ["reasoning.encrypted_content"]`: reasoning items carry their encrypted content.
    public var includeEncryptedReasoning: Bool { include.contains("reasoning.encrypted_content") }
    /// Everything `include` names (hosted tools' results and outputs among them).
    public var include: Set<String> = []
    /// `stream_options.include_obfuscation` (true unless turned off): deltas carry padding.
    public var includeObfuscation = true
    /// With `include: ["message.output_text.logprobs"]`: `top_logprobs` (0 when not given); nil
    /// without log probabilities.
    public var logprobs: Int?
    /// Structured output, function tools and tool choice (read by the engine, which holds the
    /// schema cache).
    public var output = OutputSpec()
    /// `context_management: [{type: compaction, compact_threshold: N}]`: past N tokens the turn
    /// ends with a `compaction` item (server-side compaction); nil without it.
    public var compactThreshold: Int?

    /// What the model reads for this turn: the instructions (as a developer message), then the input.
    /// Instructions are not carried into later turns, as the API documents.
    public var promptMessages: [ChatMessage] {
        guard let instructions else { return messages }
        return [ChatMessage(role: "developer", name: nil, parts: [.text(instructions)], toolCallText: "", toolCallID: nil)] + messages
    }

    public static func decode(_ body: JSONValue) throws(APIError) -> ResponsesRequest {
        guard let object = body.objectValue else {
            throw .invalidRequest("The request body must be a JSON object, but got \(body.typeDescription).", code: "invalid_type")
        }
        let r = FieldReader(object)
        guard let model = try r.string("model"), !model.isEmpty else { throw .missingParameter("model") }
        var items: [JSONValue] = []
        var messages: [ChatMessage] = []
        let instructions = try r.string("instructions")
        switch r.value("input") {
        case .string(let text)?:
            items.append(.object(["type": .string("message"), "role": .string("user"),
                                  "content": .array([.object(["type": .string("input_text"), "text": .string(text)])])]))
            messages.append(ChatMessage(role: "user", name: nil, parts: [.text(text)], toolCallText: "", toolCallID: nil))
        case .array(let list)?:
            for (i, item) in list.enumerated() {
                let (normalised, message) = try Self.item(item, path: "input[\(i)]")
                items.append(normalised)
                if let message { messages.append(message) }
            }
        case nil:
            break
        case let other?:
            throw .invalidType("input", expected: "one of a string or an array", got: other)
        }
        let reasoning = try r.object("reasoning")
        let maxOutput = try r.integer("max_output_tokens", min: 16, max: Int64(Int32.max))
        let previousResponseID = try r.string("previous_response_id")
        let conversationID = try Self.conversationID(r.value("conversation"))
        // The published document: previous_response_id "cannot be used in conjunction with
        // `conversation`"; the live API answers this 400 (message and code as it words them).
        if previousResponseID != nil && conversationID != nil {
            throw APIError(status: 400, type: "invalid_request_error", code: "mutually_exclusive_parameters", param: nil,
                           message: "Mutually exclusive parameters. Ensure you are only providing one of: 'previous_response_id' or 'conversation'.")
        }
        let include = try r.array("include") ?? []
        let topLogprobs = try r.integer("top_logprobs", min: 0, max: 20).map(Int.init) ?? 0
        var request = ResponsesRequest(
            model: model, messages: messages, inputItems: items, instructions: instructions,
            maxOutputTokens: maxOutput.map(Int.init),
            temperature: try r.number("temperature", min: 0, max: 2),
            topP: try r.number("top_p", min: 0, max: 1),
            metadata: try r.metadata() ?? JSONObject(),
            parallelToolCalls: try r.bool("parallel_tool_calls") ?? true,
            truncation: try r.oneOf("truncation", ["auto", "disabled"]) ?? "disabled",
            reasoningEffort: try reasoning?.oneOf("effort", ["none", "minimal", "low", "medium", "high", "xhigh", "max"]),
            reasoningSummary: try reasoning?.oneOf("summary", ["auto", "concise", "detailed"]),
            store: try r.bool("store") ?? true,
            background: try r.bool("background") ?? false,
            stream: try r.bool("stream") ?? false,
            previousResponseID: previousResponseID,
            conversationID: conversationID,
            textFormat: (try r.object("text")?.value("format")) ?? .object(["type": .string("text")]),
            tools: try r.array("tools") ?? [],
            toolChoice: r.value("tool_choice") ?? .string("auto"),
            serviceTier: try r.string("service_tier"),
            user: try r.string("user"),
            logprobs: include.contains(.string("message.output_text.logprobs")) ? topLogprobs : nil
        )
        request.promptCacheKey = try r.string("prompt_cache_key")
        request.promptCacheRetention = try r.string("prompt_cache_retention")
        request.safetyIdentifier = try r.string("safety_identifier")
        request.frequencyPenalty = try r.number("frequency_penalty", min: -2, max: 2)
        request.presencePenalty = try r.number("presence_penalty", min: -2, max: 2)
        request.maxToolCalls = try r.integer("max_tool_calls", min: 1, max: Int64(Int32.max)).map(Int.init)
        request.topLogprobs = topLogprobs
        request.reasoningContext = try reasoning?.oneOf("context", ["auto", "current_turn", "all_turns"])
        request.reasoningMode = try reasoning?.string("mode")
        request.include = Set(include.compactMap(\.stringValue))
        request.includeObfuscation = try r.object("stream_options")?.bool("include_obfuscation") ?? true
        request.compactThreshold = try Self.compactThreshold(r.array("context_management") ?? [])
        return request
    }

    /// Server-side compaction's threshold, if `context_management` asks for compaction. The
    /// document gives no default; 200,000 is what OpenRouter documents for the same member.
    private static func compactThreshold(_ entries: [JSONValue]) throws(APIError) -> Int? {
        var threshold: Int?
        for (i, entry) in entries.enumerated() {
            guard let object = entry.objectValue else { throw .invalidType("context_management[\(i)]", expected: "an object", got: entry) }
            let r = FieldReader(object, path: "context_management[\(i)]")
            guard try r.requiredString("type") == "compaction" else { continue }
            threshold = Int(try r.integer("compact_threshold", min: 1000) ?? 200_000)
        }
        return threshold
    }

    /// `conversation`: a conversation id, or an object with one; null is none.
    private static func conversationID(_ value: JSONValue?) throws(APIError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let id)?: return id
        case .object(let object)?:
            guard let id = object["id"] else { throw .missingParameter("conversation.id") }
            guard let text = id.stringValue else { throw .invalidType("conversation.id", expected: "a string", got: id) }
            return text
        case let other?:
            throw .invalidType("conversation", expected: "one of a string or an object", got: other)
        }
    }

    /// One input item: its listed form and the conversation message it stands for.
    static func item(_ item: JSONValue, path: String) throws(APIError) -> (JSONValue, ChatMessage?) {
        guard let object = item.objectValue else { throw .invalidType(path, expected: "an object", got: item) }
        let r = FieldReader(object, path: path)
        let type = try r.string("type") ?? (object["role"] != nil ? "message" : "item_reference")
        switch type {
        case "message":
            let role = try r.oneOf("role", ["user", "assistant", "system", "developer"]) ?? "user"
            var parts: [ContentPart] = []
            var listed: [JSONValue] = []
            // Listed back as the API lists them: an assistant turn as an output message, whose
            // output_text parts carry annotations and logprobs.
            func outputText(_ text: JSONValue) -> JSONValue {
                .object(["type": .string("output_text"), "annotations": .array([]), "logprobs": .array([]), "text": text])
            }
            switch r.value("content") {
            case .string(let text)?:
                parts = [.text(text)]
                listed = [role == "assistant" ? outputText(.string(text)) : .object(["type": .string("input_text"), "text": .string(text)])]
            case .array(let list)?:
                for part in list {
                    if part["type"]?.stringValue == "output_text" && part["annotations"] == nil {
                        listed.append(outputText(part["text"] ?? .string("")))
                    } else {
                        listed.append(part)
                    }
                    switch part["type"]?.stringValue {
                    case "input_text", "output_text": parts.append(.text(part["text"]?.stringValue ?? ""))
                    case "refusal": parts.append(.text(part["refusal"]?.stringValue ?? ""))
                    case "input_image":
                        parts.append(.image(url: part["image_url"]?.stringValue ?? "file", detail: part["detail"]?.stringValue ?? "auto"))
                    case "input_file":
                        parts.append(.file(data: part["file_data"]?.stringValue, id: part["file_id"]?.stringValue,
                                           name: part["filename"]?.stringValue))
                    default: break
                    }
                }
            default:
                throw .missingParameter(r.param("content"))
            }
            let listedItem: JSONValue = .object(["type": .string("message"), "role": .string(role), "content": .array(listed)])
            return (listedItem, ChatMessage(role: role, name: nil, parts: parts, toolCallText: "", toolCallID: nil))
        case "function_call_output":
            let callID = try r.requiredString("call_id")
            let output = r.value("output").map { $0.stringValue ?? $0.jsonString } ?? ""
            return (item, ChatMessage(role: "tool", name: nil, parts: [.text(output)], toolCallText: "", toolCallID: callID))
        case "function_call":
            let text = (try r.string("name") ?? "") + " " + (try r.string("arguments") ?? "")
            return (item, ChatMessage(role: "assistant", name: nil, parts: [], toolCallText: text, toolCallID: nil))
        case "compaction":
            // A compaction item from POST /v1/responses/compact carries the conversation it replaced.
            guard let text = Compaction.transcript(try r.string("encrypted_content") ?? "") else { return (item, nil) }
            return (item, ChatMessage(role: "developer", name: nil, parts: [.text(text)], toolCallText: "", toolCallID: nil))
        case _ where itemTypes.contains(type):
            // Item references and other items are listed as given; they add nothing to the prompt here.
            return (item, nil)
        default:
            throw .invalidValue(r.param("type"), type, supported: itemTypes)
        }
    }

    /// The input item types of the official document (InputItem's members, in its order, and
    /// item_reference): any other `type` is a 400 invalid_value, as the live API answers.
    static let itemTypes = [
        "message", "file_search_call", "computer_call", "computer_call_output", "web_search_call", "function_call",
        "function_call_output", "tool_search_call", "tool_search_output", "additional_tools", "reasoning", "compaction",
        "image_generation_call", "code_interpreter_call", "local_shell_call", "local_shell_call_output", "shell_call",
        "shell_call_output", "apply_patch_call", "apply_patch_call_output", "mcp_list_tools", "mcp_approval_request",
        "mcp_approval_response", "mcp_call", "custom_tool_call_output", "custom_tool_call", "compaction_trigger", "program",
        "program_output", "item_reference",
    ]
}
