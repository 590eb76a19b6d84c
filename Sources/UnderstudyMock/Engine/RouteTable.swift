/// Every resource the server answers, and the lookup from a request's method and path to its
/// route. A new resource is one file (a `Resource` listing its routes) and one line here.
struct RouteTable: Sendable {
    static let resources: [any Resource.Type] = [
        ChatCompletions.self,
        StoredCompletions.self,
        Responses.self,
        StoredResponses.self,
        ResponseTools.self,
        Conversations.self,
        ConversationItems.self,
        Embeddings.self,
        Models.self,
        ModelDeletion.self,
        Health.self,
        OpenAPISpec.self,
        AdminAPI.self,
    ]

    static let shared = RouteTable(resources.flatMap { $0.routes })

    let entries: [RouteEntry]

    init(_ entries: [RouteEntry]) { self.entries = entries }

    /// `/v1/...` is OpenAI's base path, `/api/v1/...` OpenRouter's; templates starting with `/`
    /// are matched from the root first. A path some template fits but not with this method is a
    /// 405 listing the methods it takes.
    func route(method: String, path: String) -> Route {
        if let route = resolve(method, path.dropFirst().split(separator: "/", omittingEmptySubsequences: false), rooted: true, .openai) {
            return route
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
            return Route(.notFound)
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        return resolve(method, rest.split(separator: "/", omittingEmptySubsequences: false), rooted: false, flavor) ?? Route(.notFound)
    }

    private func resolve(_ method: String, _ parts: [Substring], rooted: Bool, _ flavor: Flavor) -> Route? {
        // The template with the most literal segments wins (`responses/compact` over `responses/{id}`).
        var best: (template: PathTemplate, parameters: [String])?
        for entry in entries where entry.template.rooted == rooted && entry.template != best?.template {
            guard let parameters = entry.template.match(parts) else { continue }
            if best == nil || entry.template.literalCount > best!.template.literalCount { best = (entry.template, parameters) }
        }
        guard let best else { return nil }
        let candidates = entries.filter { $0.template == best.template }
        if let entry = candidates.first(where: { $0.method == method || $0.method == "*" }) {
            return Route(.operation(entry), flavor: flavor, parameters: best.parameters)
        }
        // HEAD is answered where GET is for probes, not listed. A wrong method's error speaks
        // OpenAI's envelope unless the flavour is asked for (as before the route table).
        let order = ["GET", "POST", "DELETE"]
        let allowed = order.filter { method in candidates.contains { $0.method == method } }
        return Route(.methodNotAllowed(allowed: allowed))
    }
}
