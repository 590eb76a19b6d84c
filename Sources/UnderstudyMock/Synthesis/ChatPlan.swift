/// Everything a chat completion will say, decided before a byte is written: the JSON body and the
/// stream are two encodings of one plan, so they always agree.
public struct ChatPlan: Sendable {
    public var id: String
    public var created: Int64
    /// The `model` the response reports.
    public var model: String
    public var systemFingerprint: String?
    public var serviceTier: String
    public var choices: [Choice]
    public var usage: Usage
    public var flavor: Flavor
    /// The (OpenRouter) provider that served it.
    public var provider = "OpenAI"
    /// What it cost at the catalog's prices, in US dollars (OpenRouter reports it in usage).
    public var cost: Double = 0
    /// Moderation results, when the request asked for a moderated completion.
    public var moderation: ModeratedCompletion?
    /// OpenRouter's server tools the request named (their use in usage, a search's citations).
    public var serverTools: OpenRouterServerTools?
    /// Seeds the stream's `obfuscation` padding.
    public var paddingSeed: UInt64
    /// The content does not depend on how often the request came before (a canned reply, a seed,
    /// temperature 0): repeats differ only in their ids.
    public var repeatable: Bool
    /// With `logprobs: true`: how many alternatives each token lists (`top_logprobs`); nil when
    /// log probabilities were not asked for.
    public var logprobs: Int?
    /// Seeds the log probabilities (the conversation's text seed: they follow the text).
    public var logprobSeed: UInt64 = 0
    /// Each choice lists `logprobs` (null unless asked for); false where the live API leaves the
    /// member out (reasoning models and others: `LiveShape.choiceLogprobs`).
    public var choiceLogprobs = true
    /// The request used the deprecated `functions`: a call is `function_call`, its finish
    /// reason `function_call`.
    public var legacyFunctionCall = false

    public struct Choice: Sendable {
        /// The message content (nil when the answer is tool calls without a preamble).
        public var content: String?
        /// The content as stream deltas, one per token; joined, they are `content`. Empty for an
        /// answer that needs no deltas (`ChatRequest.keepsPieces`): `tokenCount` counts them then.
        public var pieces: [Substring]
        /// The content's tokens, counted without splitting it (nil: `pieces.count`).
        var countedTokens: Int?
        var tokenCount: Int { countedTokens ?? pieces.count }
        public var toolCalls: [ToolCall] = []
        public var finishReason: String
        /// The spoken answer (audio models with audio output): the content is then its transcript.
        var audio: SpokenAnswer?
    }

    public struct ToolCall: Sendable {
        public var id: String
        public var name: String
        /// The arguments as JSON text.
        public var arguments: String
        /// The arguments as stream deltas, one per token.
        public var pieces: [Substring]
    }
}
