import UnderstudyContract

/// Where a request goes, decided from its method and path alone.
public enum Route: Sendable, Equatable {
    case chatCompletions(Flavor)
    /// GET /v1/chat/completions: the stored completions.
    case storedCompletions(Flavor)
    /// GET or POST (metadata) /v1/chat/completions/{id}.
    case storedCompletion(id: String, Flavor)
    case deleteStoredCompletion(id: String, Flavor)
    case storedCompletionMessages(id: String, Flavor)
    /// POST /v1/responses/input_tokens.
    case responseInputTokens(Flavor)
    /// POST /v1/responses/compact.
    case compactResponse(Flavor)
    case createResponse(Flavor)
    case response(id: String, Flavor)
    case deleteResponse(id: String, Flavor)
    case inputItems(id: String, Flavor)
    case cancelResponse(id: String, Flavor)
    /// POST /v1/conversations.
    case createConversation(Flavor)
    /// GET or POST (metadata) /v1/conversations/{id}.
    case conversation(id: String, Flavor)
    case deleteConversation(id: String, Flavor)
    /// GET (a page) or POST (add items) /v1/conversations/{id}/items.
    case conversationItems(id: String, Flavor)
    /// GET /v1/conversations/{id}/items/{item_id}.
    case conversationItem(id: String, itemID: String, Flavor)
    case deleteConversationItem(id: String, itemID: String, Flavor)
    /// POST /v1/embeddings.
    case embeddings(Flavor)
    case listModels(Flavor)
    case model(id: String, Flavor)
    case health
    /// The contract itself, specs/openai.yaml.
    case openAPISpec
    /// The admin API: /__understudy/<rest>.
    case admin(String)
    /// A known path with the wrong method.
    case methodNotAllowed(allowed: [String])
    case notFound

    /// `/v1/...` is OpenAI's base path; `/api/v1/...` is OpenRouter's.
    public init(method: String, path: String) {
        if path.hasPrefix("/__understudy/") {
            self = .admin(String(path.dropFirst(14)))
            return
        }
        if path == "/openapi.yaml" || path == "/v1/openapi.yaml" {
            self = method == "GET" ? .openAPISpec : .methodNotAllowed(allowed: ["GET"])
            return
        }
        if path == "/health" || path == "/healthz" {
            self = method == "GET" || method == "HEAD" ? .health : .methodNotAllowed(allowed: ["GET"])
            return
        }
        let flavor: Flavor
        var rest: Substring
        if path.hasPrefix("/v1/") {
            flavor = .openai
            rest = path.dropFirst(4)
        } else if path.hasPrefix("/api/v1/") {
            flavor = .openrouter
            rest = path.dropFirst(8)
        } else {
            self = .notFound
            return
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        switch rest {
        case "chat/completions":
            self = method == "POST" ? .chatCompletions(flavor) : method == "GET" ? .storedCompletions(flavor)
                : .methodNotAllowed(allowed: ["GET", "POST"])
        case _ where rest.hasPrefix("chat/completions/"):
            let parts = rest.dropFirst(17).split(separator: "/", omittingEmptySubsequences: false)
            let id = String(parts[0])
            switch (parts.count, parts.count > 1 ? parts[1] : "") {
            case (1, _) where !id.isEmpty:
                self = method == "GET" || method == "POST" ? .storedCompletion(id: id, flavor)
                    : method == "DELETE" ? .deleteStoredCompletion(id: id, flavor) : .methodNotAllowed(allowed: ["GET", "POST", "DELETE"])
            case (2, "messages") where !id.isEmpty:
                self = method == "GET" ? .storedCompletionMessages(id: id, flavor) : .methodNotAllowed(allowed: ["GET"])
            default:
                self = .notFound
            }
        case "responses/compact":
            self = method == "POST" ? .compactResponse(flavor) : .methodNotAllowed(allowed: ["POST"])
        case "responses/input_tokens":
            self = method == "POST" ? .responseInputTokens(flavor) : .methodNotAllowed(allowed: ["POST"])
        case "models":
            self = method == "GET" ? .listModels(flavor) : .methodNotAllowed(allowed: ["GET"])
        case "embeddings":
            self = method == "POST" ? .embeddings(flavor) : .methodNotAllowed(allowed: ["POST"])
        case "responses":
            self = method == "POST" ? .createResponse(flavor) : .methodNotAllowed(allowed: ["POST"])
        case _ where rest.hasPrefix("responses/"):
            let parts = rest.dropFirst(10).split(separator: "/", omittingEmptySubsequences: false)
            let id = String(parts[0])
            switch (parts.count, parts.count > 1 ? parts[1] : "") {
            case (1, _) where !id.isEmpty:
                self = method == "GET" ? .response(id: id, flavor) : method == "DELETE" ? .deleteResponse(id: id, flavor)
                    : .methodNotAllowed(allowed: ["GET", "DELETE"])
            case (2, "input_items"):
                self = method == "GET" ? .inputItems(id: id, flavor) : .methodNotAllowed(allowed: ["GET"])
            case (2, "cancel"):
                self = method == "POST" ? .cancelResponse(id: id, flavor) : .methodNotAllowed(allowed: ["POST"])
            default:
                self = .notFound
            }
        case "conversations":
            self = method == "POST" ? .createConversation(flavor) : .methodNotAllowed(allowed: ["POST"])
        case _ where rest.hasPrefix("conversations/"):
            self = Self.conversation(method, rest.dropFirst(14).split(separator: "/", omittingEmptySubsequences: false), flavor)
        case _ where rest.hasPrefix("models/") && rest.count > 7:
            // Percent-escapes decoded: an SDK encodes a fine-tune's `:` and a provider's `/` in the path.
            self = method == "GET" ? .model(id: JSONPointer.percentDecoded(String(rest.dropFirst(7))), flavor) : .methodNotAllowed(allowed: ["GET"])
        default:
            self = .notFound
        }
    }

    /// /conversations/{id}, …/items and …/items/{item_id}, from the segments after /conversations/.
    private static func conversation(_ method: String, _ parts: [Substring], _ flavor: Flavor) -> Route {
        let id = String(parts[0])
        guard !id.isEmpty else { return .notFound }
        switch (parts.count, parts.count > 1 ? parts[1] : "") {
        case (1, _):
            return method == "GET" || method == "POST" ? .conversation(id: id, flavor)
                : method == "DELETE" ? .deleteConversation(id: id, flavor) : .methodNotAllowed(allowed: ["GET", "POST", "DELETE"])
        case (2, "items"):
            return method == "GET" || method == "POST" ? .conversationItems(id: id, flavor) : .methodNotAllowed(allowed: ["GET", "POST"])
        case (3, "items") where !parts[2].isEmpty:
            let itemID = String(parts[2])
            return method == "GET" ? .conversationItem(id: id, itemID: itemID, flavor)
                : method == "DELETE" ? .deleteConversationItem(id: id, itemID: itemID, flavor) : .methodNotAllowed(allowed: ["GET", "DELETE"])
        default:
            return .notFound
        }
    }

    /// An API operation (not health, the spec, or an unknown path): triggers apply to these.
    var isAPI: Bool {
        switch self {
        case .health, .openAPISpec, .notFound, .methodNotAllowed, .admin: false
        default: true
        }
    }

    /// The admin API under /__understudy/.
    var isAdmin: Bool {
        if case .admin = self { return true }
        return false
    }

    /// A completion (chat or Responses create): what rate limits count.
    var isCompletion: Bool {
        switch self {
        case .chatCompletions, .createResponse: true
        default: false
        }
    }

    /// The route's name, one of a fixed set whatever the path (ids and flavour left out): a
    /// metrics label, so a client cannot make new ones. The API's are OpenAI's operation ids.
    public var name: String {
        switch self {
        case .chatCompletions: "createChatCompletion"
        case .storedCompletions: "listChatCompletions"
        case .storedCompletion: "getChatCompletion" // and its update (POST): one route
        case .deleteStoredCompletion: "deleteChatCompletion"
        case .storedCompletionMessages: "getChatCompletionMessages"
        case .responseInputTokens: "getInputTokenCounts"
        case .compactResponse: "compactResponse"
        case .createResponse: "createResponse"
        case .response: "getResponse"
        case .deleteResponse: "deleteResponse"
        case .inputItems: "listInputItems"
        case .cancelResponse: "cancelResponse"
        case .createConversation: "createConversation"
        case .conversation: "getConversation" // and its update (POST): one route
        case .deleteConversation: "deleteConversation"
        case .conversationItems: "listConversationItems" // and their creation (POST): one route
        case .conversationItem: "getConversationItem"
        case .deleteConversationItem: "deleteConversationItem"
        case .embeddings: "createEmbedding"
        case .listModels: "listModels"
        case .model: "retrieveModel"
        case .health: "health"
        case .openAPISpec: "openapi"
        case .admin: "admin"
        case .methodNotAllowed: "method_not_allowed"
        case .notFound: "not_found"
        }
    }

    /// The flavour the path implies: OpenRouter for /api/v1, otherwise OpenAI's.
    var flavor: Flavor {
        switch self {
        case .chatCompletions(let f), .storedCompletions(let f), .storedCompletion(_, let f), .deleteStoredCompletion(_, let f), .storedCompletionMessages(_, let f),
             .responseInputTokens(let f), .compactResponse(let f), .embeddings(let f), .listModels(let f), .model(_, let f), .createResponse(let f), .response(_, let f),
             .deleteResponse(_, let f), .inputItems(_, let f), .cancelResponse(_, let f), .createConversation(let f), .conversation(_, let f),
             .deleteConversation(_, let f), .conversationItems(_, let f), .conversationItem(_, _, let f), .deleteConversationItem(_, _, let f): f
        default: .openai
        }
    }
}
