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
    /// Seeds the stream's `obfuscation` padding.
    public var paddingSeed: UInt64

    public struct Choice: Sendable {
        /// The content as stream deltas; joined, they are the message content.
        public var pieces: [Substring]
        public var finishReason: String

        public var content: String { pieces.joined() }
    }
}
