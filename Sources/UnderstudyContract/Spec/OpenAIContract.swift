/// An OpenAI API contract (specs/openai.yaml, the official document, a gateway's), compiled once:
/// the schemas requests and responses are checked against, each found by its operation (method
/// and path template, under any base path) and by status and media type — never by a component
/// name, which every document spells its own way.
public final class OpenAIContract: Sendable {
    /// The spec's text, as served at GET /openapi.yaml.
    public let yaml: String
    public let chatRequest: Schema?
    public let chatResponse: Schema?
    public let chatChunk: Schema?
    /// The JSON body of the first error status the chat or responses operations declare.
    public let error: Schema?
    public let modelList: Schema?
    public let model: Schema?
    /// DELETE /models/{model}'s answer.
    public let deletedModel: Schema?
    public let responseRequest: Schema?
    public let response: Schema?
    public let responseEvent: Schema?
    public let deletedResponse: Schema?
    public let responseItemList: Schema?
    public let chatCompletionList: Schema?
    public let chatCompletionDeleted: Schema?
    public let chatCompletionMessageList: Schema?
    public let inputTokens: Schema?
    public let compactedResponse: Schema?
    public let createConversationRequest: Schema?
    public let updateConversationRequest: Schema?
    public let createConversationItemsRequest: Schema?
    public let conversation: Schema?
    public let deletedConversation: Schema?
    public let conversationItemList: Schema?
    public let conversationItem: Schema?
    public let completionRequest: Schema?
    /// The legacy completion, JSON or each streamed event.
    public let completionResponse: Schema?
    public let embeddingRequest: Schema?
    public let embeddingResponse: Schema?
    /// Whether the document has POST /chat/completions; without it the chat API answers 404.
    public let hasChat: Bool
    /// Whether the document has POST /responses; without it the Responses API answers 404.
    public let hasResponses: Bool
    /// What the document lacks that serving needs (`POST /responses`, `GET /models 200 application/json`…).
    public let missing: [String]
    /// The same spec as a traffic validator (operations by method and path), sharing these schemas.
    public let exchanges: ExchangeValidator
    /// Warnings found while compiling (unknown keywords and the like).
    public let warnings: [SpecProblem]

    /// The spec compiled into the binary (a copy of specs/openai.yaml).
    public static func embedded() throws(SpecError) -> OpenAIContract {
        try OpenAIContract(yaml: EmbeddedSpecs.openaiYAML, file: "specs/openai.yaml")
    }

    /// The embedded contract of a flavour: OpenRouter's is specs/openrouter.yaml over specs/openai.yaml.
    public static func embedded(flavor: ContractFlavor) throws(SpecError) -> OpenAIContract {
        guard flavor == .openrouter else { return try embedded() }
        let base = try SpecDocument.parse(Array(EmbeddedSpecs.openaiYAML.utf8), file: "specs/openai.yaml")
        let overlay = try SpecDocument.parse(Array(EmbeddedSpecs.openrouterYAML.utf8), file: "specs/openrouter.yaml")
        return try OpenAIContract(document: SpecOverlay.apply(overlay, to: base), yaml: EmbeddedSpecs.openrouterYAML)
    }

    public static func load(path: String) throws(SpecError) -> OpenAIContract {
        let document = LiveErrata.apply(to: try SpecDocument.load(path: path))
        return try OpenAIContract(document: document, yaml: String(decoding: FileBytes.read(path) ?? [], as: UTF8.self))
    }

    convenience init(yaml: String, file: String) throws(SpecError) {
        try self.init(document: try SpecDocument.parse(Array(yaml.utf8), file: file), yaml: yaml)
    }

    init(document: SpecDocument, yaml: String) throws(SpecError) {
        let compiler = SchemaCompiler(documents: [document])
        let index = OperationIndex(document: document, compiler: compiler)
        var lookup = ContractLookup(index: index)
        self.yaml = yaml
        chatRequest = lookup.request("POST", "/chat/completions")
        chatResponse = lookup.body("POST", "/chat/completions")
        chatChunk = lookup.body("POST", "/chat/completions", media: "text/event-stream")
        chatCompletionList = lookup.body("GET", "/chat/completions")
        chatCompletionDeleted = lookup.body("DELETE", "/chat/completions/{completion_id}")
        chatCompletionMessageList = lookup.body("GET", "/chat/completions/{completion_id}/messages")
        responseRequest = lookup.request("POST", "/responses")
        response = lookup.body("POST", "/responses")
        responseEvent = lookup.body("POST", "/responses", media: "text/event-stream")
        deletedResponse = lookup.body("DELETE", "/responses/{response_id}")
        responseItemList = lookup.body("GET", "/responses/{response_id}/input_items")
        inputTokens = lookup.body("POST", "/responses/input_tokens")
        compactedResponse = lookup.body("POST", "/responses/compact")
        createConversationRequest = lookup.request("POST", "/conversations")
        updateConversationRequest = lookup.request("POST", "/conversations/{conversation_id}")
        createConversationItemsRequest = lookup.request("POST", "/conversations/{conversation_id}/items")
        conversation = lookup.body("POST", "/conversations")
        deletedConversation = lookup.body("DELETE", "/conversations/{conversation_id}")
        conversationItemList = lookup.body("GET", "/conversations/{conversation_id}/items")
        conversationItem = lookup.body("GET", "/conversations/{conversation_id}/items/{item_id}")
        modelList = lookup.body("GET", "/models")
        completionRequest = lookup.request("POST", "/completions")
        completionResponse = lookup.body("POST", "/completions")
        embeddingRequest = lookup.request("POST", "/embeddings")
        embeddingResponse = lookup.body("POST", "/embeddings")
        model = lookup.body("GET", "/models/{model}")
        deletedModel = lookup.body("DELETE", "/models/{model}")
        error = lookup.errorBody(among: [("POST", "/chat/completions"), ("POST", "/responses"), ("GET", "/models/{model}")])
        hasChat = lookup.has("POST", "/chat/completions")
        hasResponses = lookup.has("POST", "/responses")
        missing = lookup.missing
        exchanges = ExchangeValidator(index: index)
        compiler.compileComponents(of: document.file)
        if let first = compiler.errors.first {
            let more = compiler.errors.count > 1 ? " (and \(compiler.errors.count - 1) more)" : ""
            throw SpecError(first.message + more, at: first.location)
        }
        warnings = compiler.problems
    }

    /// One line for the server's start: what this document cannot drive, or nil when it has it all.
    public var startNote: String? {
        guard !missing.isEmpty else { return nil }
        func underAbsentAPI(_ item: String) -> Bool {
            (!hasChat && item.contains(" /chat/completions")) || (!hasResponses && item.contains(" /responses"))
        }
        var parts: [String] = []
        if !hasChat { parts.append("no POST /chat/completions: the chat API answers 404") }
        if !hasResponses { parts.append("no POST /responses: the Responses API answers 404") }
        let unchecked = missing.filter { !underAbsentAPI($0) }
        if !unchecked.isEmpty { parts.append("no \(unchecked.joined(separator: ", ")): served unchecked") }
        return parts.joined(separator: "; ")
    }
}
