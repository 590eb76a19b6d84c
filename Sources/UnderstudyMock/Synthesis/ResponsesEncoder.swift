import UnderstudyContract

/// Writes a `ResponsePlan` as the Responses API's bytes: the `response` object (key order as the
/// live API sends it), or the stream of typed events, each `event: TYPE` + `data: {json}` with an
/// increasing `sequence_number`.
public enum ResponsesEncoder {
    public enum Stage { case started, finished }

    public static func json(_ plan: ResponsePlan) -> [UInt8] {
        var w = JSONWriter(capacity: 2048)
        object(&w, plan, stage: .finished)
        return w.bytes
    }

    /// The response object: at `.started` (in_progress, no output, no usage) or `.finished`.
    /// Members as the live API lists them today (recordings to 2026-08, see `LiveShape`): every
    /// request parameter echoed (null when not given), `billing`, `moderation` and `tool_usage`,
    /// and no `output_text`, which the official document marks "SDK-only convenience property".
    /// OpenRouter's document lists it on its Responses, but its live API left it out in 2026
    /// (fixtures/traffic/real/openrouter/responses, 2026-07-17; a 2025-11 stream had it empty).
    static func object(_ w: inout JSONWriter, _ plan: ResponsePlan, stage: Stage, streamed: Bool = false) {
        let finished = stage == .finished
        let status = finished ? plan.status : "in_progress"
        let request = plan.request
        let openAI = plan.flavor != .openrouter
        let hasOutput = finished && (status == "completed" || status == "incomplete")
        w.beginObject()
        w.key("id"); w.string(plan.id)
        w.key("object"); w.string("response")
        w.key("created_at"); w.int(plan.createdAt)
        w.key("status"); w.string(status)
        w.key("background"); w.bool(request.background)
        // `billing` is on the JSON answer only: no recorded stream's response object has it.
        if openAI && stage == .finished && !streamed {
            w.key("billing"); w.beginObject(); w.key("payer"); w.string("developer"); w.endObject()
        }
        w.key("completed_at"); if status == "completed" { w.int(plan.createdAt) } else { w.null() }
        if let conversation = request.conversationID {
            w.key("conversation"); w.beginObject(); w.key("id"); w.string(conversation); w.endObject()
        }
        w.key("error"); w.null()
        w.key("frequency_penalty"); w.double(request.frequencyPenalty ?? 0)
        w.key("incomplete_details")
        if finished, let reason = plan.incompleteReason {
            w.beginObject(); w.key("reason"); w.string(reason); w.endObject()
        } else {
            w.null()
        }
        w.key("instructions"); w.string(request.instructions)
        w.key("max_output_tokens"); if let max = request.maxOutputTokens { w.int(max) } else { w.null() }
        w.key("max_tool_calls"); if let max = request.maxToolCalls { w.int(max) } else { w.null() }
        w.key("model"); w.string(plan.model)
        if openAI { w.key("moderation"); w.null() }
        w.key("output")
        w.beginArray()
        if hasOutput {
            let itemStatus = plan.status == "incomplete" ? "incomplete" : "completed"
            if let reasoning = plan.reasoning { reasoningItem(&w, reasoning) }
            for call in plan.hostedCalls { w.value(.object(call.item)) }
            if let message = plan.message { messageItem(&w, message, status: itemStatus, text: message.text, phase: phase(plan, message)) }
            for call in plan.functionCalls { functionCallItem(&w, call, status: itemStatus, arguments: call.arguments) }
            if let compaction = plan.compaction { compactionItem(&w, compaction) }
        }
        w.endArray()
        w.key("parallel_tool_calls"); w.bool(request.parallelToolCalls)
        w.key("presence_penalty"); w.double(request.presencePenalty ?? 0)
        w.key("previous_response_id"); w.string(request.previousResponseID)
        w.key("prompt_cache_key"); w.string(request.promptCacheKey)
        if openAI { w.key("prompt_cache_retention"); w.string(request.promptCacheRetention ?? plan.live.promptCacheRetention) }
        w.key("reasoning")
        w.beginObject()
        if plan.reasoningModel && openAI {
            let context = request.reasoningContext.flatMap { $0 == "auto" ? nil : $0 } ?? plan.live.reasoningContext
            w.key("context"); w.string(context)
        } else if openAI {
            // Null for models that do not reason: both recordings of gpt-4.1 since 2026-06 (none before).
            w.key("context"); w.null()
        }
        w.key("effort"); w.string(request.reasoningEffort ?? (plan.reasoning != nil ? "medium" : nil))
        if plan.reasoningModel && openAI { w.key("mode"); w.string(request.reasoningMode ?? "standard") }
        w.key("summary"); w.string(request.reasoningSummary)
        w.endObject()
        w.key("safety_identifier"); w.string(request.safetyIdentifier)
        w.key("service_tier"); w.string(request.serviceTier == nil || request.serviceTier == "auto" ? "default" : request.serviceTier!)
        w.key("store"); w.bool(request.store)
        w.key("temperature"); w.double(request.temperature ?? 1)
        w.key("text")
        w.beginObject()
        w.key("format"); w.value(Self.echoed(format: request.textFormat))
        w.key("verbosity"); w.string("medium")
        w.endObject()
        w.key("tool_choice"); w.value(request.toolChoice)
        if openAI { toolUsage(&w, webSearches: hasOutput ? plan.hostedCalls.filter { $0.kind == .webSearch }.count : 0) }
        w.key("tools")
        w.value(.array(openAI ? ResponseToolListing.ordered(request.tools, inputItems: request.inputItems,
                                                            additionalAsFunctions: plan.live.additionalToolsAsFunctions) : request.tools))
        w.key("top_logprobs"); w.int(request.topLogprobs)
        w.key("top_p"); w.double(request.topP ?? plan.live.topP)
        w.key("truncation"); w.string(request.truncation)
        w.key("usage")
        if hasOutput { usage(&w, plan.usage, cost: plan.cost) } else { w.null() }
        w.key("user"); w.string(request.user)
        w.key("metadata"); w.value(.object(request.metadata))
        w.endObject()
    }

    /// What the hosted tools cost: the live API lists both counters on every Response since 2026-07.
    static func toolUsage(_ w: inout JSONWriter, webSearches: Int) {
        w.key("tool_usage")
        w.beginObject()
        w.key("image_gen")
        w.beginObject()
        for (key, details) in [("input_tokens", "input_tokens_details"), ("output_tokens", "output_tokens_details")] {
            w.key(escaping: key); w.int(0)
            w.key(escaping: details); w.beginObject(); w.key("image_tokens"); w.int(0); w.key("text_tokens"); w.int(0); w.endObject()
        }
        w.key("total_tokens"); w.int(0)
        w.endObject()
        w.key("web_search"); w.beginObject(); w.key("num_requests"); w.int(webSearches); w.endObject()
        w.endObject()
    }

    static func reasoningItem(_ w: inout JSONWriter, _ reasoning: ResponsePlan.Reasoning, done: Bool = true) {
        w.beginObject()
        w.key("id"); w.string(reasoning.id)
        w.key("type"); w.string("reasoning")
        if let encrypted = reasoning.encryptedContent { w.key("encrypted_content"); w.string(encrypted) }
        w.key("summary")
        w.beginArray()
        if done, let summary = reasoning.summary {
            w.beginObject(); w.key("type"); w.string("summary_text"); w.key("text"); w.string(summary); w.endObject()
        }
        w.endArray()
        // Every recorded reasoning item since 2026-06 has `content` (empty: the reasoning text is
        // not shown), 34 of 34 (pydantic-ai's cassettes); none before.
        w.key("content"); w.beginArray(); w.endArray()
        w.endObject()
    }

    /// From gpt-5.4 on the live API marks a message's phase: `final_answer`, or `commentary` for
    /// a preamble to function calls.
    static func phase(_ plan: ResponsePlan, _ message: ResponsePlan.Message) -> String? {
        plan.live.messagePhase ? (message.commentary ? "commentary" : "final_answer") : nil
    }

    static func messageItem(_ w: inout JSONWriter, _ message: ResponsePlan.Message, status: String, text: String?, phase: String?) {
        w.beginObject()
        w.key("id"); w.string(message.id)
        w.key("type"); w.string("message")
        w.key("status"); w.string(status)
        w.key("content")
        w.beginArray()
        if let text { outputText(&w, text, message: message) }
        w.endArray()
        if let phase { w.key("phase"); w.string(phase) }
        w.key("role"); w.string("assistant")
        w.endObject()
    }

    static func functionCallItem(_ w: inout JSONWriter, _ call: ResponsePlan.FunctionCall, status: String, arguments: String) {
        w.beginObject()
        w.key("id"); w.string(call.id)
        w.key("type"); w.string("function_call")
        w.key("status"); w.string(status)
        w.key("arguments"); w.string(arguments)
        w.key("call_id"); w.string(call.callID)
        w.key("name"); w.string(call.name)
        if let namespace = call.namespace { w.key("namespace"); w.string(namespace) }
        w.endObject()
    }

    static func compactionItem(_ w: inout JSONWriter, _ compaction: ResponsePlan.Compacted) {
        w.beginObject()
        w.key("id"); w.string(compaction.id)
        w.key("type"); w.string("compaction")
        w.key("encrypted_content"); w.string(compaction.encryptedContent)
        w.endObject()
    }

    /// An output_text part; with `message`, its tokens' log probabilities when they were asked for.
    static func outputText(_ w: inout JSONWriter, _ text: String, message: ResponsePlan.Message? = nil) {
        w.beginObject()
        w.key("type"); w.string("output_text")
        w.key("annotations"); w.value(.array(message?.annotations ?? []))
        w.key("logprobs"); logprobs(&w, message, pieces: message?.pieces.indices ?? 0..<0)
        w.key("text"); w.string(text)
        w.endObject()
    }

    /// The log probabilities of `message`'s tokens at `pieces` (an empty list when not asked for).
    static func logprobs(_ w: inout JSONWriter, _ message: ResponsePlan.Message?, pieces: Range<Int>) {
        w.beginArray()
        if let message, let top = message.logprobs {
            for i in pieces { TokenLogprobs.write(&w, token: message.pieces[i], position: i, top: top, seed: message.logprobSeed) }
        }
        w.endArray()
    }

    /// With `cost`, OpenRouter's accounting after the counts, as its recorded stream orders it
    /// (fixtures/traffic/real/openrouter/responses: cost, is_byok, the upstream's share).
    static func usage(_ w: inout JSONWriter, _ usage: Usage, cost: (input: Double, output: Double)? = nil) {
        w.beginObject()
        w.key("input_tokens"); w.int(usage.promptTokens)
        w.key("input_tokens_details")
        w.beginObject()
        w.key("cached_tokens"); w.int(usage.cachedTokens)
        w.key("cache_write_tokens"); w.int(0)
        w.endObject()
        w.key("output_tokens"); w.int(usage.completionTokens)
        w.key("output_tokens_details")
        w.beginObject(); w.key("reasoning_tokens"); w.int(usage.reasoningTokens); w.endObject()
        w.key("total_tokens"); w.int(usage.totalTokens)
        if let cost {
            w.key("cost"); w.double(cost.input + cost.output)
            w.key("is_byok"); w.bool(false)
            w.key("cost_details")
            w.beginObject()
            w.key("upstream_inference_cost"); w.double(cost.input + cost.output)
            w.key("upstream_inference_input_cost"); w.double(cost.input)
            w.key("upstream_inference_output_cost"); w.double(cost.output)
            w.endObject()
        }
        w.endObject()
    }
    /// A `json_schema` text format as the live API repeats it: `type, description, name, schema,
    /// strict`, with `description: null` when the request gave none (Mirascope's recordings
    /// 2025-10 to 2026-02, crewAI's of 2026-02, openllmetry's of 2026-05: every streamed and JSON
    /// answer; pydantic-ai's cassettes sort their keys) and `strict` false when it gave none (the
    /// document's default). Other formats are repeated as sent.
    static func echoed(format: JSONValue) -> JSONValue {
        guard case .object(let object) = format, object["type"]?.stringValue == "json_schema" else { return format }
        let known = ["type", "description", "name", "schema", "strict"]
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string("json_schema")), ("description", object["description"] ?? .null),
            ("name", object["name"] ?? .null), ("schema", object["schema"] ?? .object(JSONObject())),
            ("strict", object["strict"] ?? .bool(false)),
        ]
        members += object.members.filter { !known.contains($0.key) }
        return .object(JSONObject(members))
    }
}
