/// Whose contract traffic is judged by (`validate|conform|proxy --flavor`): OpenAI's
/// (specs/openai.yaml), OpenRouter's (specs/openrouter.yaml, an overlay of it), or AIML API's,
/// which speaks OpenAI's envelope and shapes.
public enum ContractFlavor: String, Sendable, CaseIterable {
    case openai
    case openrouter
    case aiml

    /// `aimlapi` (serve's spelling) is read as `aiml`.
    public init?(name: String) {
        self.init(rawValue: name == "aimlapi" ? "aiml" : name)
    }

    /// The stream and storage rules that come with the flavour's contract.
    public var validationOptions: ValidationOptions {
        ValidationOptions(usageChunkRepeatsChoice: self == .openrouter)
    }

    /// OpenRouter's Responses API stores nothing: no GET, input items, cancel or delete.
    public var storesResponses: Bool { self != .openrouter }
}
