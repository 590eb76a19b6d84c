import Testing
@testable import UnderstudyContract

/// Issue 20: templates were tried in document order and a final `{param}` took the rest of the
/// path, so a sub-resource listed after its parent was validated as the parent.
@Suite("Operations found by path: the most specific template, a parameter one segment")
struct OperationRoutingTests {
    // Parents first, as the official document orders them.
    static let document = """
    openapi: 3.1.0
    paths:
      /responses/{response_id}:
        get: {operationId: getResponse, responses: {'200': {description: x}}}
      /responses/{response_id}/input_items:
        get: {operationId: listInputItems, responses: {'200': {description: x}}}
      /responses/input_tokens:
        post: {operationId: countTokens, responses: {'200': {description: x}}}
      /responses/{response_id}/cancel:
        post: {operationId: cancelResponse, responses: {'200': {description: x}}}
      /conversations/{conversation_id}:
        get: {operationId: getConversation, responses: {'200': {description: x}}}
        post: {operationId: updateConversation, responses: {'200': {description: x}}}
      /conversations/{conversation_id}/items:
        get: {operationId: listItems, responses: {'200': {description: x}}}
        post: {operationId: createItems, responses: {'200': {description: x}}}
      /conversations/{conversation_id}/items/{item_id}:
        get: {operationId: getItem, responses: {'200': {description: x}}}
      /chat/completions/{completion_id}:
        get: {operationId: getChatCompletion, responses: {'200': {description: x}}}
      /chat/completions/{completion_id}/messages:
        get: {operationId: getChatMessages, responses: {'200': {description: x}}}
      /models/{model}:
        get: {operationId: retrieveModel, responses: {'200': {description: x}}}
    """

    static let index: OperationIndex = {
        let spec = try! SpecDocument.parse(Array(document.utf8), file: "routing.yaml")
        return OperationIndex(document: spec, compiler: SchemaCompiler(documents: [spec]))
    }()

    @Test("each sub-resource is itself, under any base path", arguments: [
        ("GET", "/v1/responses/resp_1", "getResponse"),
        ("GET", "/v1/responses/resp_1/input_items", "listInputItems"),
        ("POST", "/v1/responses/input_tokens", "countTokens"),
        ("POST", "/v1/responses/resp_1/cancel", "cancelResponse"),
        ("GET", "/conversations/conv_1", "getConversation"),
        ("GET", "/v1/conversations/conv_1/items", "listItems"),
        ("POST", "/v1/conversations/conv_1/items", "createItems"),
        ("GET", "/v1/conversations/conv_1/items/msg_1", "getItem"),
        ("GET", "/proxy/v1/chat/completions/chatcmpl-1/messages", "getChatMessages"),
        ("GET", "/v1/chat/completions/chatcmpl-1", "getChatCompletion"),
    ])
    func specific(method: String, path: String, operation: String) {
        #expect(Self.index.find(method: method, path: path)?.id == operation)
    }

    @Test("a parameter never spans a slash where a template matches segment for segment; a model id may still contain one")
    func spanning() {
        #expect(Self.index.find(method: "POST", path: "/v1/conversations/conv_1/items/msg_1") == nil)
        #expect(Self.index.find(method: "GET", path: "/api/v1/models/openai/gpt-4o")?.id == "retrieveModel")
        #expect(Self.index.find(method: "GET", path: "/v1/models/gpt-4o")?.id == "retrieveModel")
    }

    @Test("a literal segment is more specific than a parameter at the first place two templates differ")
    func order() {
        #expect(OperationIndex.moreSpecific(["responses", "input_tokens"], ["responses", "{id}"]))
        #expect(!OperationIndex.moreSpecific(["responses", "{id}"], ["responses", "input_tokens"]))
        #expect(OperationIndex.moreSpecific(["a", "{id}", "b"], ["a", "{id}", "{x}"]))
    }
}
