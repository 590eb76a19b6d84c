import UnderstudyContract

extension Route {
    /// Whether a server driven by `contract` answers this route: the chat routes need the
    /// document's POST /chat/completions, the Responses routes its POST /responses; a document
    /// with only one of the two APIs gets 404 for the other, as a provider without it would answer.
    func isServed(by contract: OpenAIContract) -> Bool {
        switch self {
        case .chatCompletions, .storedCompletions, .storedCompletion, .deleteStoredCompletion, .storedCompletionMessages:
            contract.hasChat
        case .responseInputTokens, .compactResponse, .createResponse, .response, .deleteResponse, .inputItems, .cancelResponse:
            contract.hasResponses
        case .embeddings:
            contract.embeddingRequest != nil
        default:
            true
        }
    }
}
