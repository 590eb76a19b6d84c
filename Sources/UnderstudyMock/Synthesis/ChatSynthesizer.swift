import UnderstudyContract

/// Decides a chat completion: checks the request against the model, picks or writes the text,
/// cuts it by stop sequences and token budget, and counts usage. Pure: same inputs, same plan.
public struct ChatSynthesizer: Sendable {
    /// What besides the request decides the output (see DESIGN.md, Determinism).
    public struct Context: Sendable {
        /// Hash of the canonical request.
        public var requestHash: UInt64
        /// Hash of the canonical request without delivery options (stream, stop, max tokens…):
        /// the same conversation gets the same reply however it is delivered.
        public var conversationHash: UInt64
        /// How many times this same request came before.
        public var occurrence: Int
        public var seed: UInt64
        public var now: Int64
        public var flavor: Flavor
    }

    private let replies: ReplyMatcher

    public init(replies: [ReplyRule]) {
        self.replies = ReplyMatcher(rules: replies)
    }

    /// - Parameter forcedReply: a canned reply from a scenario, taking the place of reply rules.
    public func plan(_ request: ChatRequest, model: ModelInfo, context: Context, forcedReply: ReplyRule? = nil) throws(APIError) -> ChatPlan {
        try check(request, against: model)
        let prompt = PromptTokenEstimator.count(request.messages)
        if let max = request.maxTokens {
            if prompt.total + max.value > model.contextLength {
                throw .contextLengthExceeded(limit: model.contextLength, messages: prompt.total, completion: max.value)
            }
        } else if prompt.total > model.contextLength {
            throw .contextLengthExceeded(limit: model.contextLength, messages: prompt.total, completion: nil)
        }

        let lastUser = request.messages.last(where: { $0.role == "user" })?.text ?? ""
        let rule = forcedReply ?? replies.rule(model: model, lastUserText: lastUser)
        // A canned reply, a seed or temperature 0 make the reply repeat (the real API tries to for
        // the latter two); otherwise each repeat of a request gets a new, still deterministic, reply.
        let repeatable = rule != nil || request.seed != nil || request.temperature == 0
        let textSeed = StableHash.combine(context.conversationHash, context.seed, repeatable ? 0 : UInt64(context.occurrence) &+ 1)

        var choices: [ChatPlan.Choice] = []
        var completionTokens = 0
        var reasoningTokens = 0
        var callIDs = SplitMix64(seed: StableHash.combine(context.requestHash, context.seed, UInt64(context.occurrence), 0xCA11))
        var madeCalls = false
        // One generator budget for the whole answer: n choices share it instead of multiplying it.
        var generation = SchemaInstanceGenerator.Budget()
        for index in 0..<request.n {
            var rng = SplitMix64(seed: StableHash.combine(textSeed, UInt64(index)))
            let content = request.output.isPlainText && rule?.toolCall == nil
                ? .text(rule?.reply ?? ProseGenerator.reply(to: lastUser, targetTokens: AskedLength.tokens(in: lastUser) ?? rng.int(in: 24...110), using: &rng))
                : try ReplyDecider.decide(request.output, messages: request.messages, rule: rule, rng: &rng, budget: &generation)
            var reasoning = model.reasoning ? Self.reasoningTokens(effort: request.reasoningEffort, rng: &rng) : 0
            var budget = request.maxTokens?.value ?? Int.max
            if reasoning > budget { reasoning = budget }
            budget -= reasoning
            let choice: ChatPlan.Choice
            switch content {
            case .text(let text):
                choice = Self.deliver(text, stop: request.stop, budget: budget, split: request.keepsPieces)
                completionTokens += choice.tokenCount
            case .toolCalls(let calls, let preamble):
                madeCalls = true
                var said: ChatPlan.Choice?
                if let preamble {
                    said = Self.deliver(preamble, stop: [], budget: budget)
                    budget -= said!.tokenCount
                }
                (choice, budget) = Self.deliver(calls, ids: &callIDs, budget: budget,
                                                legacy: request.output.legacyFunctions, saying: said)
                completionTokens += choice.tokenCount + choice.toolCalls.reduce(0) { $0 + $1.pieces.count + TokenPieces.count($1.name) + 4 }
            }
            var spoken = choice
            if let audio = request.audio, let text = choice.content {
                spoken.audio = SpokenAnswer.make(transcript: text, tokens: choice.tokenCount, format: audio.format,
                                                 id: "audio_" + callIDs.hex(32), now: context.now)
            }
            choices.append(spoken)
            completionTokens += reasoning
            reasoningTokens += reasoning
        }

        var usage = Usage(promptTokens: prompt.total, completionTokens: completionTokens,
                          promptAudioTokens: prompt.audio, reasoningTokens: reasoningTokens)
        if let fixed = rule?.usage {
            usage.promptTokens = fixed.promptTokens ?? usage.promptTokens
            usage.completionTokens = fixed.completionTokens.map { $0 * request.n } ?? usage.completionTokens
        }

        let (id, paddingSeed) = Self.responseID(context)
        var plan = ChatPlan(
            id: id,
            created: context.now,
            model: Self.reportedModel(requested: request.model, model: model, flavor: context.flavor),
            systemFingerprint: model.systemFingerprint,
            serviceTier: request.serviceTier == nil || request.serviceTier == "auto" ? "default" : request.serviceTier!,
            choices: choices,
            usage: usage,
            flavor: context.flavor,
            paddingSeed: paddingSeed,
            repeatable: repeatable && !madeCalls,
            logprobs: request.logprobs,
            logprobSeed: textSeed
        )
        plan.choiceLogprobs = model.live.choiceLogprobs || context.flavor == .openrouter
        plan.legacyFunctionCall = request.output.legacyFunctions
        if let moderator = request.moderationModel, context.flavor == .openai {
            let images = request.messages.contains { $0.parts.contains { if case .image = $0 { true } else { false } } }
            plan.moderation = ModeratedCompletion(model: moderator, input: request.messages.map(\.text).joined(separator: "\n"),
                                                  inputHasImages: images, outputs: choices.map { $0.content ?? "" })
        }
        return plan
    }

    /// Tool calls as a choice: ids, arguments split into deltas, cut to the budget (→ `length`).
    /// `saying`: a preamble delivered before the calls (its content and pieces join the choice).
    static func deliver(_ calls: [ReplyDecider.Call], ids: inout SplitMix64, budget: Int, legacy: Bool = false,
                        saying: ChatPlan.Choice? = nil) -> (ChatPlan.Choice, Int) {
        var remaining = budget
        var planned: [ChatPlan.ToolCall] = []
        var cut = false
        for call in calls where !cut {
            var pieces = TokenPieces.split(call.arguments)
            if pieces.count > remaining {
                pieces.removeLast(pieces.count - remaining)
                cut = true
            }
            remaining -= pieces.count
            planned.append(ChatPlan.ToolCall(id: ids.base62(24, after: "call_"), name: call.name, arguments: pieces.joined(), pieces: pieces))
        }
        return (ChatPlan.Choice(content: saying?.content, pieces: saying?.pieces ?? [], toolCalls: planned,
                                finishReason: cut ? "length" : legacy ? "function_call" : "tool_calls"), remaining)
    }

    /// The completion id (`chatcmpl-…`, or OpenRouter's `gen-<time>-…`) for this occurrence of the
    /// request, and a seed for the stream's padding.
    static func responseID(_ context: Context) -> (id: String, paddingSeed: UInt64) {
        var ids = SplitMix64(seed: StableHash.combine(context.requestHash, context.seed, UInt64(context.occurrence), 0x1D))
        let id = context.flavor == .openrouter ? "gen-\(context.now)-\(ids.base62(20))" : ids.base62(29, after: "chatcmpl-")
        return (id, ids.next())
    }

    /// The parameter rules of the model itself, worded as the real API words them.
    func check(_ request: ChatRequest, against model: ModelInfo) throws(APIError) {
        if model.reasoning {
            if request.maxTokens?.param == "max_tokens" {
                throw .unsupportedParameter("max_tokens", instead: "max_completion_tokens")
            }
            // Reasoning effort `none` (gpt-5.1 on) turns reasoning off, and the live API then takes
            // temperature and top_p (fixtures/traffic/real/openai/responses/pydantic-ai.jsonl,
            // pydantic-ai's test_openai_responses_gpt_5_6_reasoning_off_keeps_sampling_params, 2026-07-24: 200).
            let sampling = request.reasoningEffort == "none"
            if let t = request.temperature, t != 1, !sampling { throw .unsupportedValue("temperature", JSONValue.double(t).jsonString) }
            if let p = request.topP, p != 1, !sampling { throw .unsupportedValue("top_p", JSONValue.double(p).jsonString) }
            if request.logprobs != nil { throw .unsupportedParameter("logprobs", instead: nil) }
        } else if request.reasoningEffort != nil {
            throw .unsupportedParameter("reasoning_effort", instead: nil)
        }
        if request.audio != nil || request.audioParameterMissing, !model.outputModalities.contains("audio") {
            throw .invalidRequest("This model does not support audio output. Remove 'audio' from 'modalities', or use an audio model such as gpt-4o-audio-preview.",
                                  param: "modalities", code: "invalid_value")
        }
        if request.audioParameterMissing {
            throw .invalidRequest("Missing required parameter: 'audio'. It is required when 'modalities' includes 'audio'.",
                                  param: "audio", code: "missing_required_parameter")
        }
        if let max = request.maxTokens, max.value > model.maxOutputTokens {
            throw .maxTokensTooLarge(max.param, requested: Int64(max.value), limit: model.maxOutputTokens)
        }
    }

    /// Cuts `text` at the first stop sequence, then to `budget` tokens.
    /// - Parameter split: keep the pieces; otherwise they are counted, and split only to cut
    ///   the text at the budget.
    static func deliver(_ text: String, stop: [String], budget: Int, split: Bool = true) -> ChatPlan.Choice {
        var text = Substring(text)
        for sequence in stop {
            if let range = text.firstRange(of: sequence) { text = text[..<range.lowerBound] }
        }
        let content = String(text)
        if !split {
            let count = TokenPieces.count(content)
            if count <= budget { return ChatPlan.Choice(content: content, pieces: [], countedTokens: count, finishReason: "stop") }
        }
        var pieces = TokenPieces.split(content)
        if pieces.count > budget {
            pieces.removeLast(pieces.count - budget)
            return ChatPlan.Choice(content: pieces.joined(), pieces: pieces, finishReason: "length")
        }
        return ChatPlan.Choice(content: content, pieces: pieces, finishReason: "stop")
    }

    static func reasoningTokens(effort: String?, rng: inout SplitMix64) -> Int {
        switch effort ?? "medium" {
        case "none", "minimal": 0
        case "low": rng.int(in: 64...191)
        case "medium": rng.int(in: 192...575)
        case "high": rng.int(in: 576...1535)
        default: rng.int(in: 1536...3071)
        }
    }

    /// OpenAI reports the dated snapshot for a bare alias; OpenRouter reports its own id.
    static func reportedModel(requested: String, model: ModelInfo, flavor: Flavor) -> String {
        if flavor == .openrouter { return model.id }
        return requested == model.id || requested == model.openAIID ? model.snapshot : requested
    }
}
