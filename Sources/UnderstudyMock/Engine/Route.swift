import UnderstudyContract

/// Where a request goes, decided from its method and path alone (by `RouteTable`): an operation
/// of one resource, with the path's parameters, or a known path asked with the wrong method, or
/// nothing.
public struct Route: Sendable {
    public enum Kind: Sendable {
        case operation(RouteEntry)
        /// A known path with the wrong method.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public let kind: Kind
    /// The flavour the path implies: OpenRouter for /api/v1, otherwise OpenAI's.
    public let flavor: Flavor
    /// The path's parameters, in template order ({id}, then {item_id}), percent-decoded where
    /// the template says so.
    let parameters: [String]

    init(_ kind: Kind, flavor: Flavor = .openai, parameters: [String] = []) {
        self.kind = kind
        self.flavor = flavor
        self.parameters = parameters
    }

    public init(method: String, path: String) {
        self = RouteTable.shared.route(method: method, path: path)
    }

    var entry: RouteEntry? {
        if case .operation(let entry) = kind { return entry }
        return nil
    }

    /// The first path parameter ({id}, {model}, the admin API's rest of the path).
    var id: String { parameters.first ?? "" }
    /// The second ({item_id}).
    var itemID: String { parameters.count > 1 ? parameters[1] : "" }

    /// The route's name, one of a fixed set whatever the path (ids and flavour left out): a
    /// metrics label, so a client cannot make new ones. The API's are OpenAI's operation ids.
    public var name: String {
        switch kind {
        case .operation(let entry): entry.name
        case .methodNotAllowed: "method_not_allowed"
        case .notFound: "not_found"
        }
    }

    /// An API operation (not health, the spec, the admin API or an unknown path): scenarios,
    /// triggers, access checks and the journal apply to these.
    var isAPI: Bool { entry?.family.isAPI ?? false }

    var isAdmin: Bool { entry?.family == .admin }

    /// A completion (chat or Responses create): what rate limits count.
    var isCompletion: Bool { entry?.isCompletion ?? false }

    /// Whether this is the operation named `name` (an OpenAI operation id).
    func `is`(_ name: String) -> Bool { entry?.name == name }

    /// Whether a server driven by `contract` answers this route: the chat routes need the
    /// document's POST /chat/completions, the Responses routes its POST /responses, embeddings
    /// its POST /embeddings; a document without one gets 404 for it, as a provider without it would.
    func isServed(by contract: OpenAIContract) -> Bool {
        switch entry?.family {
        case .chat?: contract.hasChat
        case .responses?: contract.hasResponses
        case .embeddings?: contract.embeddingRequest != nil
        default: true
        }
    }
}
