import UnderstudyContract

/// Writes a `ChatPlan` as the real API's bytes: one `chat.completion` object (the stream of
/// `chat.completion.chunk`s is `ChatStreamRenderer`'s). Key order follows the live API's.
public enum ChatCompletionEncoder {
    public static func json(_ plan: ChatPlan) -> [UInt8] {
        var w = JSONWriter(capacity: 768 + plan.choices.reduce(0) { $0 + $1.tokenCount * 8 })
        w.beginObject()
        header(&w, plan, object: "chat.completion")
        if plan.flavor == .openrouter { openRouterServiceTier(&w, plan) }
        w.key("choices")
        w.beginArray()
        for (index, choice) in plan.choices.enumerated() {
            w.beginObject()
            w.key("index"); w.int(index)
            w.key("message")
            w.beginObject()
            w.key("role"); w.string("assistant")
            // An audio answer's text is its transcript.
            w.key("content"); w.string(choice.audio == nil ? choice.content : nil)
            if plan.legacyFunctionCall, let call = choice.toolCalls.first {
                w.key("function_call")
                w.beginObject(); w.key("name"); w.string(call.name); w.key("arguments"); w.string(call.arguments); w.endObject()
            } else if !choice.toolCalls.isEmpty {
                w.key("tool_calls")
                w.beginArray()
                for call in choice.toolCalls {
                    w.beginObject()
                    w.key("id"); w.string(call.id)
                    w.key("type"); w.string("function")
                    w.key("function")
                    w.beginObject(); w.key("name"); w.string(call.name); w.key("arguments"); w.string(call.arguments); w.endObject()
                    w.endObject()
                }
                w.endArray()
            }
            w.key("refusal"); w.null()
            // OpenRouter lists the upstream's reasoning text (none here) where OpenAI lists annotations.
            if plan.flavor == .openrouter {
                w.key("reasoning"); w.null()
                if let citations = plan.serverTools?.citations, !citations.isEmpty { w.key("annotations"); w.value(.array(citations)) }
            } else {
                w.key("annotations"); w.beginArray(); w.endArray()
            }
            if let audio = choice.audio {
                w.key("audio")
                w.beginObject()
                w.key("id"); w.string(audio.id)
                w.key("data"); w.string(audio.data)
                w.key("expires_at"); w.int(audio.expiresAt)
                w.key("transcript"); w.string(audio.transcript)
                w.endObject()
            }
            w.endObject()
            if let top = plan.logprobs {
                w.key("logprobs")
                w.beginObject()
                w.key("content")
                if choice.content == nil {
                    w.null()
                } else {
                    w.beginArray()
                    for (i, piece) in choice.pieces.enumerated() { TokenLogprobs.write(&w, token: piece, position: i, top: top, seed: plan.logprobSeed) }
                    w.endArray()
                }
                w.key("refusal"); w.null()
                w.endObject()
            } else if plan.choiceLogprobs {
                w.key("logprobs"); w.null()
            }
            w.key("finish_reason"); w.string(choice.finishReason)
            if plan.flavor == .openrouter { w.key("native_finish_reason"); w.string(choice.finishReason) }
            w.endObject()
        }
        w.endArray()
        // Between choices and usage, as on the stream's moderation chunk (no JSON answer recorded).
        if let moderation = plan.moderation { w.key("moderation"); moderation.write(&w) }
        w.key("usage"); usage(&w, plan.usage, cost: plan.flavor == .openrouter ? plan.cost : nil, serverTools: plan.serverTools)
        trailer(&w, plan)
        w.endObject()
        return w.bytes
    }

    static func sse(_ json: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = Array("data: ".utf8)
        frame.reserveCapacity(json.count + 8)
        frame.append(contentsOf: json)
        frame.append(0x0A)
        frame.append(0x0A)
        return frame
    }

    static func header(_ w: inout JSONWriter, _ plan: ChatPlan, object: StaticString, streaming: Bool = false) {
        w.key("id"); w.string(plan.id)
        w.key("object"); w.string(object.description)
        w.key("created"); w.int(plan.created)
        w.key("model"); w.string(plan.model)
        if plan.flavor == .openrouter {
            // OpenRouter's order since 2026-03 (its streams recorded in fixtures/traffic/real/
            // openrouter/chat; 2025's put provider second).
            w.key("provider"); w.string(plan.provider)
            return
        }
        if streaming {
            w.key("service_tier"); w.string(plan.serviceTier)
            w.key("system_fingerprint"); w.string(plan.systemFingerprint)
        }
    }

    /// OpenRouter's `service_tier` (after `provider`), on a completion and on a stream's usage
    /// chunk since 2026-05: the upstream's tier, "default" from OpenAI and Anthropic, null from
    /// the others the recordings show (Bedrock, Vertex's Claude, WandB).
    static func openRouterServiceTier(_ w: inout JSONWriter, _ plan: ChatPlan) {
        w.key("service_tier")
        w.string(plan.provider == "OpenAI" || plan.provider == "Anthropic" ? plan.serviceTier : nil)
    }

    private static func trailer(_ w: inout JSONWriter, _ plan: ChatPlan) {
        guard plan.flavor != .openrouter else {
            // The upstream's fingerprint, null when it gives none (recorded OpenRouter answers).
            w.key("system_fingerprint"); w.string(plan.systemFingerprint)
            return
        }
        w.key("service_tier"); w.string(plan.serviceTier)
        w.key("system_fingerprint"); w.string(plan.systemFingerprint)
    }

    static func usage(_ w: inout JSONWriter, _ usage: Usage, cost: Double? = nil, serverTools: OpenRouterServerTools? = nil) {
        w.beginObject()
        w.key("prompt_tokens"); w.int(usage.promptTokens)
        w.key("completion_tokens"); w.int(usage.completionTokens)
        w.key("total_tokens"); w.int(usage.totalTokens)
        guard let cost else {
            w.key("prompt_tokens_details")
            w.beginObject()
            w.key("cached_tokens"); w.int(usage.cachedTokens)
            w.key("audio_tokens"); w.int(usage.promptAudioTokens)
            w.endObject()
            w.key("completion_tokens_details")
            w.beginObject()
            w.key("reasoning_tokens"); w.int(usage.reasoningTokens)
            w.key("audio_tokens"); w.int(0)
            w.key("accepted_prediction_tokens"); w.int(0)
            w.key("rejected_prediction_tokens"); w.int(0)
            w.endObject()
            w.endObject()
            return
        }
        // OpenRouter's accounting, as its recorded answers (fixtures/traffic/real/openrouter/chat,
        // 2026; the order of its 2026-08 streams): what the call cost, whether the caller's key
        // paid, its own token details and the upstream's share of the cost.
        w.key("cost"); w.double(cost)
        w.key("is_byok"); w.bool(false)
        w.key("prompt_tokens_details")
        w.beginObject()
        w.key("cached_tokens"); w.int(usage.cachedTokens)
        w.key("cache_write_tokens"); w.int(0)
        w.key("audio_tokens"); w.int(usage.promptAudioTokens)
        w.key("video_tokens"); w.int(0)
        w.endObject()
        let completionShare = usage.totalTokens == 0 ? 0 : cost * Double(usage.completionTokens) / Double(usage.totalTokens)
        w.key("cost_details")
        w.beginObject()
        w.key("upstream_inference_cost"); w.double(cost)
        w.key("upstream_inference_prompt_cost"); w.double(cost - completionShare)
        w.key("upstream_inference_completions_cost"); w.double(completionShare)
        w.endObject()
        w.key("completion_tokens_details")
        w.beginObject()
        w.key("reasoning_tokens"); w.int(usage.reasoningTokens)
        w.key("image_tokens"); w.int(0)
        w.key("audio_tokens"); w.int(0)
        w.endObject()
        serverTools?.write(&w)
        w.endObject()
    }
}
