import UnderstudyContract

/// Everything a Responses API answer will say; the JSON object and the event stream are two
/// encodings of one plan.
public struct ResponsePlan: Sendable {
    public var id: String
    public var createdAt: Int64
    /// `completed`, `incomplete`, or for background work `queued`/`in_progress`/`cancelled`.
    public var status: String
    public var model: String
    public var request: ResponsesRequest
    public var reasoning: Reasoning?
    public var message: Message?
    public var functionCalls: [FunctionCall] = []
    /// Hosted tools called before the message (web search, code interpreter, MCP…).
    public var hostedCalls: [HostedCall] = []
    /// Server-side compaction's item, after everything else, when the turn crossed the
    /// request's `compact_threshold`.
    public var compaction: Compacted?
    public var usage: Usage
    /// Why it stopped early (`max_output_tokens`), if it did.
    public var incompleteReason: String?
    /// How the live API writes this model's answers (defaults, optional members).
    public var live = LiveShape()
    /// The model reasons (its Response reports reasoning's context and mode).
    public var reasoningModel = false
    public var flavor: Flavor = .openai
    /// OpenRouter's accounting: what the input and the output cost, in US dollars.
    public var cost: (input: Double, output: Double)?

    public struct Reasoning: Sendable {
        public var id: String
        /// A summary, when the request asked for one.
        public var summary: String?
        /// With `include: ["reasoning.encrypted_content"]`: the reasoning, encrypted (opaque bytes
        /// derived from the item's id here).
        public var encryptedContent: String?
    }

    public struct Message: Sendable {
        public var id: String
        public var text: String
        /// The text as stream deltas, one per token.
        public var pieces: [Substring]
        /// `top_logprobs` when log probabilities were asked for (see `ResponsesRequest.logprobs`).
        public var logprobs: Int?
        public var logprobSeed: UInt64 = 0
        /// Citations (a web search's `url_citation`s), with offsets into `text`.
        public var annotations: [JSONValue] = []
        /// A preamble to the function calls that follow it (`phase: commentary`), not the answer.
        public var commentary = false
    }

    public struct Compacted: Sendable {
        public var id: String
        public var encryptedContent: String
    }

    public struct FunctionCall: Sendable {
        public var id: String
        public var callID: String
        public var name: String
        public var arguments: String
        public var pieces: [Substring]
        /// A namespace's function, or one a tool search loaded (see `ToolSearch`).
        public var namespace: String?
    }
}
