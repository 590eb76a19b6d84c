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
    public var usage: Usage
    /// Why it stopped early (`max_output_tokens`), if it did.
    public var incompleteReason: String?

    public struct Reasoning: Sendable {
        public var id: String
        /// A summary, when the request asked for one.
        public var summary: String?
    }

    public struct Message: Sendable {
        public var id: String
        public var text: String
        /// The text as stream deltas, one per token.
        public var pieces: [Substring]
        /// `top_logprobs` when log probabilities were asked for (see `ResponsesRequest.logprobs`).
        public var logprobs: Int?
        public var logprobSeed: UInt64 = 0
    }

    public struct FunctionCall: Sendable {
        public var id: String
        public var callID: String
        public var name: String
        public var arguments: String
        public var pieces: [Substring]
    }
}
