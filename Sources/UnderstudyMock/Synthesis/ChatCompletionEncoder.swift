import UnderstudyContract

/// Writes a `ChatPlan` as the real API's bytes: one `chat.completion` object, or the SSE frames of
/// `chat.completion.chunk`s. Key order follows the live API's.
public enum ChatCompletionEncoder {
    public static func json(_ plan: ChatPlan) -> [UInt8] {
        var w = JSONWriter(capacity: 768 + plan.choices.reduce(0) { $0 + $1.pieces.count * 8 })
        w.beginObject()
        header(&w, plan, object: "chat.completion")
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
            if !choice.toolCalls.isEmpty {
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
            w.key("annotations"); w.beginArray(); w.endArray()
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
            } else {
                w.key("logprobs"); w.null()
            }
            w.key("finish_reason"); w.string(choice.finishReason)
            if plan.flavor == .openrouter { w.key("native_finish_reason"); w.string(choice.finishReason) }
            w.endObject()
        }
        w.endArray()
        w.key("usage"); usage(&w, plan.usage, cost: plan.flavor == .openrouter ? plan.cost : nil)
        trailer(&w, plan)
        w.endObject()
        return w.bytes
    }

    /// The stream as SSE frames (`data: {chunk}\n\n` … `data: [DONE]\n\n`), one element per frame:
    /// the role delta per choice, one content delta per token piece (choices interleaved), the
    /// finish chunk per choice, the usage chunk when asked for, then `[DONE]`.
    public static func streamFrames(_ plan: ChatPlan, includeUsage: Bool, includeObfuscation: Bool) -> [[UInt8]] {
        var padding = SplitMix64(seed: plan.paddingSeed)
        // OpenRouter always sends usage in the last chunk; OpenAI only when asked.
        let withUsage = includeUsage || plan.flavor == .openrouter
        var frames: [[UInt8]] = []
        func frame(_ body: (inout JSONWriter) -> Void) {
            var w = JSONWriter(capacity: 384)
            w.beginObject()
            header(&w, plan, object: "chat.completion.chunk", streaming: true)
            body(&w)
            if withUsage && plan.flavor != .openrouter { w.key("usage"); w.null() }
            if includeObfuscation && plan.flavor != .openrouter {
                w.key("obfuscation"); w.string(padding.base62(padding.int(in: 1...12)))
            }
            w.endObject()
            frames.append(sse(w.bytes))
        }
        func choice(_ w: inout JSONWriter, _ index: Int, finish: String?, token: (Substring, Int)? = nil, delta: (inout JSONWriter) -> Void) {
            w.key("choices")
            w.beginArray()
            w.beginObject()
            w.key("index"); w.int(index)
            w.key("delta"); w.beginObject(); delta(&w); w.endObject()
            if let (piece, position) = token, let top = plan.logprobs {
                w.key("logprobs")
                w.beginObject()
                w.key("content"); w.beginArray(); TokenLogprobs.write(&w, token: piece, position: position, top: top, seed: plan.logprobSeed); w.endArray()
                w.key("refusal"); w.null()
                w.endObject()
            } else {
                w.key("logprobs"); w.null()
            }
            w.key("finish_reason"); w.string(finish)
            if plan.flavor == .openrouter { w.key("native_finish_reason"); w.string(finish) }
            w.endObject()
            w.endArray()
        }

        // Each choice's deltas in order (role first, then content pieces or tool-call parts);
        // choices are interleaved step by step.
        var steps: [[(inout JSONWriter) -> Void]] = []
        var tokens: [[(Substring, Int)?]] = []
        for c in plan.choices {
            var deltas: [(inout JSONWriter) -> Void] = []
            var pieceAt: [(Substring, Int)?] = []
            func toolCallDelta(_ w: inout JSONWriter, _ index: Int, _ call: ChatPlan.ToolCall, opening: Bool, piece: Substring?) {
                w.key("tool_calls")
                w.beginArray()
                w.beginObject()
                w.key("index"); w.int(index)
                if opening {
                    w.key("id"); w.string(call.id)
                    w.key("type"); w.string("function")
                }
                w.key("function")
                w.beginObject()
                if opening { w.key("name"); w.string(call.name) }
                w.key("arguments"); w.string(piece.map(String.init) ?? "")
                w.endObject()
                w.endObject()
                w.endArray()
            }
            deltas.append { w in
                w.key("role"); w.string("assistant")
                w.key("content"); if c.toolCalls.isEmpty { w.string("") } else { w.null() }
                if let first = c.toolCalls.first { toolCallDelta(&w, 0, first, opening: true, piece: nil) }
                w.key("refusal"); w.null()
            }
            pieceAt.append(nil)
            for (position, piece) in c.pieces.enumerated() {
                if c.audio != nil {
                    // Audio answers stream their transcript, then the audio itself.
                    deltas.append { w in w.key("audio"); w.beginObject(); w.key("transcript"); w.string(String(piece)); w.endObject() }
                } else {
                    deltas.append { w in w.key("content"); w.string(String(piece)) }
                }
                pieceAt.append((piece, position))
            }
            if let audio = c.audio {
                // As the SDK documents it: chunks carry the id and data, the last only the expiry.
                deltas.append { w in
                    w.key("audio"); w.beginObject(); w.key("id"); w.string(audio.id); w.key("data"); w.string(audio.data); w.endObject()
                }
                deltas.append { w in w.key("audio"); w.beginObject(); w.key("expires_at"); w.int(audio.expiresAt); w.endObject() }
                pieceAt += [nil, nil]
            }
            for (i, call) in c.toolCalls.enumerated() {
                if i > 0 { deltas.append { w in toolCallDelta(&w, i, call, opening: true, piece: nil) } }
                for piece in call.pieces {
                    deltas.append { w in toolCallDelta(&w, i, call, opening: false, piece: piece) }
                }
            }
            steps.append(deltas)
            tokens.append(pieceAt)
        }
        let longest = steps.map(\.count).max() ?? 0
        for step in 0..<longest {
            for (index, deltas) in steps.enumerated() where step < deltas.count {
                let token = step < tokens[index].count ? tokens[index][step] : nil
                frame { w in choice(&w, index, finish: nil, token: token, delta: deltas[step]) }
            }
        }
        for (index, c) in plan.choices.enumerated() {
            frame { w in choice(&w, index, finish: c.finishReason) { _ in } }
        }
        if withUsage {
            var w = JSONWriter(capacity: 512)
            w.beginObject()
            header(&w, plan, object: "chat.completion.chunk", streaming: true)
            w.key("choices"); w.beginArray(); w.endArray()
            w.key("usage"); usage(&w, plan.usage, cost: plan.flavor == .openrouter ? plan.cost : nil)
            if includeObfuscation && plan.flavor != .openrouter {
                w.key("obfuscation"); w.string(padding.base62(padding.int(in: 1...12)))
            }
            w.endObject()
            frames.append(sse(w.bytes))
        }
        frames.append(Array("data: [DONE]\n\n".utf8))
        return frames
    }

    static func sse(_ json: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = Array("data: ".utf8)
        frame.reserveCapacity(json.count + 8)
        frame.append(contentsOf: json)
        frame.append(0x0A)
        frame.append(0x0A)
        return frame
    }

    private static func header(_ w: inout JSONWriter, _ plan: ChatPlan, object: StaticString, streaming: Bool = false) {
        w.key("id"); w.string(plan.id)
        if plan.flavor == .openrouter {
            w.key("provider"); w.string(plan.provider)
            w.key("model"); w.string(plan.model)
            w.key("object"); w.string(object.description)
            w.key("created"); w.int(plan.created)
            return
        }
        w.key("object"); w.string(object.description)
        w.key("created"); w.int(plan.created)
        w.key("model"); w.string(plan.model)
        if streaming {
            w.key("service_tier"); w.string(plan.serviceTier)
            w.key("system_fingerprint"); w.string(plan.systemFingerprint)
        }
    }

    private static func trailer(_ w: inout JSONWriter, _ plan: ChatPlan) {
        guard plan.flavor != .openrouter else { return }
        w.key("service_tier"); w.string(plan.serviceTier)
        w.key("system_fingerprint"); w.string(plan.systemFingerprint)
    }

    static func usage(_ w: inout JSONWriter, _ usage: Usage, cost: Double? = nil) {
        w.beginObject()
        w.key("prompt_tokens"); w.int(usage.promptTokens)
        w.key("completion_tokens"); w.int(usage.completionTokens)
        w.key("total_tokens"); w.int(usage.totalTokens)
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
        if let cost {
            // OpenRouter: what the call cost, and whether the caller's own key paid.
            w.key("cost"); w.double(cost)
            w.key("is_byok"); w.bool(false)
        }
        w.endObject()
    }
}
