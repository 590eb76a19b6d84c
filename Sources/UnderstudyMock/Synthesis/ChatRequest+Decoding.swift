import UnderstudyContract

extension ChatRequest {
    /// Top-level members the Chat Completions API accepts (from CreateChatCompletionRequest).
    /// Any other member is refused, as the real API refuses it.
    static let knownMembers: Set<String> = [
        "model", "messages", "n", "max_completion_tokens", "max_tokens", "stop", "seed", "temperature", "top_p",
        "stream", "stream_options", "reasoning_effort", "service_tier", "metadata", "top_logprobs", "logprobs",
        "user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options",
        "modalities", "verbosity", "frequency_penalty", "presence_penalty", "web_search_options",
        "response_format", "audio", "store", "moderation", "logit_bias", "prediction", "tools", "tool_choice",
        "parallel_tool_calls", "function_call", "functions",
    ]

    /// OpenRouter's additions to the request (its /api/v1 accepts them on top of OpenAI's).
    static let openRouterMembers: Set<String> = [
        "models", "provider", "route", "transforms", "usage", "plugins", "reasoning", "include_reasoning",
        "top_k", "min_p", "top_a", "repetition_penalty", "debug", "user",
        "cache_control", "image_config", "prompt_cache_options", "session_id", "stop_server_tools_when", "trace",
        // Not in OpenRouter's document, but answered 200 by the live API (a saved preset by name:
        // fixtures/traffic/real/openrouter/chat/pydantic-ai.jsonl, "@preset/comedian").
        "preset",
    ]

    static let roles = ["system", "assistant", "user", "function", "tool", "developer"]

    /// Reads a request body, answering the first problem found as the real API would.
    /// - Parameter strictSchemaRules: whether strict schemas must follow OpenAI's strict-mode
    ///   rules (OutputSpec.chat): not for another provider's model through OpenRouter.
    public static func decode(_ body: JSONValue, allowOpenRouterMembers: Bool = false,
                              schemas: InlineSchemas = InlineSchemas(), strictSchemaRules: Bool = true) throws(APIError) -> ChatRequest {
        guard let object = body.objectValue else {
            throw .invalidRequest("The request body must be a JSON object, but got \(body.typeDescription).", code: "invalid_type")
        }
        for key in object.keys where !knownMembers.contains(key) {
            if allowOpenRouterMembers && openRouterMembers.contains(key) { continue }
            throw .invalidRequest("Unrecognized request argument supplied: \(key)", param: key, code: "unknown_parameter")
        }
        let r = FieldReader(object)
        guard let modelValue = r.value("model") else { throw .missingModel() }
        guard let model = modelValue.stringValue else { throw .invalidType("model", expected: "a string", got: modelValue) }
        guard !model.isEmpty else { throw .missingModel() }
        guard let messageValues = try r.array("messages", minCount: 1) else { throw .missingParameter("messages") }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(messageValues.count)
        for (i, value) in messageValues.enumerated() {
            messages.append(try ChatMessage.decode(value, path: "messages[\(i)]", openRouter: allowOpenRouterMembers))
        }

        let n = try r.integer("n", min: 1, max: 128) ?? 1
        var maxTokens: (String, Int)?
        for key in ["max_tokens", "max_completion_tokens"] {
            if let v = try r.integer(key, min: 1, max: Int64(Int32.max)) { maxTokens = (key, Int(v)) }
        }
        var stop: [String] = []
        if let v = r.value("stop") {
            if let s = v.stringValue {
                stop = [s]
            } else if let items = try r.array("stop", maxCount: 4) {
                for (i, item) in items.enumerated() {
                    guard let s = item.stringValue else { throw .invalidType("stop[\(i)]", expected: "a string", got: item) }
                    stop.append(s)
                }
            }
        }
        stop.removeAll(where: \.isEmpty)
        // Predicted output: an object {type: content, content} (both documents; OpenRouter's
        // requests are checked here, not against a schema).
        if let prediction = try r.object("prediction") {
            guard try prediction.oneOf("type", ["content"]) != nil else { throw .missingParameter(prediction.param("type")) }
            guard let content = prediction.value("content"), content.stringValue != nil || content.arrayValue != nil else {
                throw .missingParameter(prediction.param("content"))
            }
        }
        let stream = try r.bool("stream") ?? false
        var includeUsage = false
        var includeObfuscation = true
        if let options = try r.object("stream_options") {
            guard stream else {
                throw .invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                                      param: "stream_options", code: "invalid_value")
            }
            includeUsage = try options.bool("include_usage") ?? false
            includeObfuscation = try options.bool("include_obfuscation") ?? true
        }
        _ = try r.number("frequency_penalty", min: -2, max: 2)
        _ = try r.number("presence_penalty", min: -2, max: 2)
        let topLogprobs = try r.integer("top_logprobs", min: 0, max: 20)
        let logprobs = try r.bool("logprobs") ?? false
        let store = try r.bool("store") ?? false
        _ = try r.bool("parallel_tool_calls")
        _ = try r.metadata()
        _ = try r.object("logit_bias")
        _ = try r.array("tools")
        _ = try r.object("response_format")
        var request = ChatRequest(
            model: model,
            messages: messages,
            n: Int(n),
            maxTokens: maxTokens,
            stop: stop,
            seed: try r.integer("seed"),
            temperature: try r.number("temperature", min: 0, max: 2),
            topP: try r.number("top_p", min: 0, max: 1),
            stream: stream,
            includeUsage: includeUsage,
            includeObfuscation: includeObfuscation,
            reasoningEffort: try r.oneOf("reasoning_effort", ["none", "minimal", "low", "medium", "high", "xhigh", "max"]),
            serviceTier: try r.oneOf("service_tier", ["auto", "default", "flex", "scale", "priority", "fast"])
        )
        request.output = try OutputSpec.chat(object, messages: messages, schemas: schemas, strictRules: strictSchemaRules)
        request.logprobs = logprobs ? Int(topLogprobs ?? 0) : nil
        request.store = store
        request.moderationModel = try r.object("moderation")?.requiredString("model")
        let modalities = try r.array("modalities")?.compactMap(\.stringValue) ?? []
        if modalities.contains("audio") {
            if let audio = try r.object("audio") {
                request.audio = (try audio.string("voice") ?? "alloy", try audio.string("format") ?? "wav")
            } else {
                request.audioParameterMissing = true
            }
        }
        return request
    }
}

extension ChatMessage {
    /// - Parameter openRouter: OpenRouter's parts too (`video_url`, and its legacy `input_video`).
    static func decode(_ value: JSONValue, path: String, openRouter: Bool = false) throws(APIError) -> ChatMessage {
        guard let object = value.objectValue else { throw .invalidType(path, expected: "an object", got: value) }
        let r = FieldReader(object, path: path)
        let role = try r.requiredString("role")
        guard ChatRequest.roles.contains(role) else { throw .invalidValue(r.param("role"), role, supported: ChatRequest.roles) }
        let name = try r.string("name")
        var toolCallText = ""
        if role == "assistant", let calls = try r.array("tool_calls") {
            for (i, call) in calls.enumerated() {
                guard let callObject = call.objectValue else { throw .invalidType("\(path).tool_calls[\(i)]", expected: "an object", got: call) }
                let c = FieldReader(callObject, path: "\(path).tool_calls[\(i)]")
                _ = try c.requiredString("id")
                guard let function = try c.object("function") else { throw .missingParameter(c.param("function")) }
                toolCallText += try function.requiredString("name") + " " + function.requiredString("arguments") + "\n"
            }
        }
        let toolCallID = role == "tool" ? try r.requiredString("tool_call_id") : nil
        let contentRequired = role != "assistant" || (toolCallText.isEmpty && r.value("refusal") == nil && r.value("audio") == nil)
        let parts = try decodeContent(r, role: role, required: contentRequired, openRouter: openRouter)
        return ChatMessage(role: role, name: name, parts: parts, toolCallText: toolCallText, toolCallID: toolCallID)
    }

    private static func decodeContent(_ r: FieldReader, role: String, required: Bool, openRouter: Bool) throws(APIError) -> [ContentPart] {
        let param = r.param("content")
        guard let content = r.value("content") else {
            if required { throw .missingParameter(param) }
            return []
        }
        if let text = content.stringValue { return [.text(text)] }
        guard let items = content.arrayValue else {
            throw .invalidType(param, expected: "one of a string or array of objects", got: content)
        }
        let allowed: [String] = switch role {
        case "user": openRouter ? ["text", "image_url", "input_audio", "file", "video_url", "input_video"] : ["text", "image_url", "input_audio", "file"]
        case "assistant": ["text", "refusal"]
        default: ["text"]
        }
        var parts: [ContentPart] = []
        for (i, item) in items.enumerated() {
            let partPath = "\(param)[\(i)]"
            guard let object = item.objectValue else { throw .invalidType(partPath, expected: "an object", got: item) }
            let p = FieldReader(object, path: partPath)
            let type = try p.requiredString("type")
            guard allowed.contains(type) else { throw .invalidValue(p.param("type"), type, supported: allowed) }
            switch type {
            case "text":
                parts.append(.text(try p.requiredString("text")))
            case "refusal":
                parts.append(.text(try p.requiredString("refusal")))
            case "image_url":
                guard let image = try p.object("image_url") else { throw .missingParameter(p.param("image_url")) }
                let url = try image.requiredString("url")
                let detail = try image.oneOf("detail", ["auto", "low", "high"]) ?? "auto"
                parts.append(.image(url: url, detail: detail))
            case "input_audio":
                guard let audio = try p.object("input_audio") else { throw .missingParameter(p.param("input_audio")) }
                let data = try audio.requiredString("data")
                guard let format = try audio.oneOf("format", ["wav", "mp3"]) else { throw .missingParameter(audio.param("format")) }
                parts.append(.audio(data: data, format: format))
            case "video_url", "input_video":
                guard let video = try p.object("video_url") else { throw .missingParameter(p.param("video_url")) }
                parts.append(.video(url: try video.requiredString("url")))
            default:  // file
                guard let file = try p.object("file") else { throw .missingParameter(p.param("file")) }
                let data = try file.string("file_data")
                let id = try file.string("file_id")
                guard data != nil || id != nil else { throw .missingParameter(file.param("file_data")) }
                parts.append(.file(data: data, id: id, name: try file.string("filename")))
            }
        }
        return parts
    }
}
