/// The OpenAI API contract from specs/openai.yaml, compiled once: the schemas that requests and
/// responses are checked against.
public final class OpenAIContract: Sendable {
    /// The spec's text, as served at GET /openapi.yaml.
    public let yaml: String
    public let chatRequest: Schema
    public let chatResponse: Schema
    public let chatChunk: Schema
    public let error: Schema
    public let modelList: Schema
    public let model: Schema
    public let responseRequest: Schema
    public let response: Schema
    public let responseEvent: Schema
    public let deletedResponse: Schema
    public let responseItemList: Schema
    public let chatCompletionList: Schema
    public let chatCompletionDeleted: Schema
    public let chatCompletionMessageList: Schema
    public let inputTokens: Schema
    public let compactedResponse: Schema
    public let createConversationRequest: Schema
    public let updateConversationRequest: Schema
    public let createConversationItemsRequest: Schema
    public let conversation: Schema
    public let deletedConversation: Schema
    public let conversationItemList: Schema
    public let conversationItem: Schema
    /// The same spec as a traffic validator (operations by method and path), sharing these schemas.
    public let exchanges: ExchangeValidator
    /// Warnings found while compiling (unknown keywords and the like).
    public let warnings: [SpecProblem]

    /// The spec compiled into the binary (a copy of specs/openai.yaml).
    public static func embedded() throws(SpecError) -> OpenAIContract {
        try OpenAIContract(yaml: EmbeddedSpecs.openaiYAML, file: "specs/openai.yaml")
    }

    public static func load(path: String) throws(SpecError) -> OpenAIContract {
        let document = try SpecDocument.load(path: path)
        return try OpenAIContract(document: document, yaml: String(decoding: FileBytes.read(path) ?? [], as: UTF8.self))
    }

    convenience init(yaml: String, file: String) throws(SpecError) {
        try self.init(document: try SpecDocument.parse(Array(yaml.utf8), file: file), yaml: yaml)
    }

    init(document: SpecDocument, yaml: String) throws(SpecError) {
        let compiler = SchemaCompiler(documents: [document])
        func schema(_ name: String) -> Schema {
            compiler.schema(file: document.file, pointer: "/components/schemas/\(name)")
        }
        self.yaml = yaml
        chatRequest = schema("CreateChatCompletionRequest")
        chatResponse = schema("CreateChatCompletionResponse")
        chatChunk = schema("CreateChatCompletionStreamResponse")
        error = schema("ErrorResponse")
        modelList = schema("ListModelsResponse")
        model = schema("Model")
        responseRequest = schema("CreateResponseRequest")
        response = schema("Response")
        responseEvent = schema("ResponseStreamEvent")
        deletedResponse = schema("DeletedResponse")
        responseItemList = schema("ResponseItemList")
        chatCompletionList = schema("ChatCompletionList")
        chatCompletionDeleted = schema("ChatCompletionDeleted")
        chatCompletionMessageList = schema("ChatCompletionMessageList")
        inputTokens = schema("TokenCountsResource")
        compactedResponse = schema("CompactResource")
        createConversationRequest = schema("CreateConversationBody")
        updateConversationRequest = schema("UpdateConversationBody")
        createConversationItemsRequest = schema("CreateConversationItemsBody")
        conversation = schema("ConversationResource")
        deletedConversation = schema("DeletedConversationResource")
        conversationItemList = schema("ConversationItemList")
        conversationItem = schema("ConversationItem")
        exchanges = ExchangeValidator(index: OperationIndex(document: document, compiler: compiler))
        compiler.compileComponents(of: document.file)
        if let first = compiler.errors.first {
            let more = compiler.errors.count > 1 ? " (and \(compiler.errors.count - 1) more)" : ""
            throw SpecError(first.message + more, at: first.location)
        }
        warnings = compiler.problems
    }
}
