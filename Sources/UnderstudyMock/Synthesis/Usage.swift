/// Token counts for one response, as `usage` reports them.
public struct Usage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedTokens: Int = 0
    public var promptAudioTokens: Int = 0
    public var reasoningTokens: Int = 0

    public var totalTokens: Int { promptTokens + completionTokens }

    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0, promptAudioTokens: Int = 0, reasoningTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.promptAudioTokens = promptAudioTokens
        self.reasoningTokens = reasoningTokens
    }
}
