/// Every resource the server answers, and the lookup from a request's method and path to its
/// route. A new resource is one file (a `Resource` listing its routes) and one line here.
struct RouteTable: Sendable {
    static let resources: [any Resource.Type] = [
        ChatCompletions.self,
        LegacyCompletions.self,
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

    /// The entries grouped by path template, in the order first registered.
    private let groups: [(template: PathTemplate, entries: [RouteEntry])]
    /// Whole paths of the API's templates without parameters (`/v1/chat/completions`,
    /// `/api/v1/chat/completions`): nearly every request, found by one lookup instead of
    /// splitting the path. No other template can beat such a match (it has the most literals).
    private let literalPaths: [String: (group: Int, flavor: Flavor)]

    init(_ entries: [RouteEntry]) {
        var groups: [(template: PathTemplate, entries: [RouteEntry])] = []
        for entry in entries {
            if let i = groups.firstIndex(where: { $0.template == entry.template }) {
                groups[i].entries.append(entry)
            } else {
                groups.append((entry.template, [entry]))
            }
        }
        self.groups = groups
        var literalPaths: [String: (group: Int, flavor: Flavor)] = [:]
        for (i, group) in groups.enumerated() where !group.template.rooted && group.template.literalCount == group.template.segments.count {
            let path = group.template.segments.map { if case .literal(let text) = $0 { text } else { "" } }.joined(separator: "/")
            literalPaths["/v1/" + path] = (i, .openai)
            literalPaths["/api/v1/" + path] = (i, .openrouter)
        }
        self.literalPaths = literalPaths
    }

    /// `/v1/...` is OpenAI's base path, `/api/v1/...` OpenRouter's; templates starting with `/`
    /// are matched from the root (no API template fits where one of those does, so the API's are
    /// tried first: they are nearly every request). A path some template fits but not with this
    /// method is a 405 listing the methods it takes.
    func route(method: String, path: String) -> Route {
        if let literal = literalPaths[path] { return entry(literal.group, method, parameters: [], literal.flavor) }
        let flavor: Flavor
        var rest: Substring
        if path.hasPrefix("/v1/") {
            flavor = .openai
            rest = path.dropFirst(4)
        } else if path.hasPrefix("/api/v1/") {
            flavor = .openrouter
            rest = path.dropFirst(8)
        } else {
            return rooted(method, path) ?? Route(.notFound)
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        return resolve(method, rest.split(separator: "/", omittingEmptySubsequences: false), rooted: false, flavor)
            ?? rooted(method, path) ?? Route(.notFound)
    }

    private func rooted(_ method: String, _ path: String) -> Route? {
        resolve(method, path.dropFirst().split(separator: "/", omittingEmptySubsequences: false), rooted: true, .openai)
    }

    private func resolve(_ method: String, _ parts: [Substring], rooted: Bool, _ flavor: Flavor) -> Route? {
        // The template with the most literal segments wins (`responses/compact` over `responses/{id}`).
        var best: (group: Int, parameters: [String])?
        for (i, group) in groups.enumerated() where group.template.rooted == rooted && group.template.segments.count <= parts.count {
            if let best, groups[best.group].template.literalCount >= group.template.literalCount { continue }
            guard let parameters = group.template.match(parts) else { continue }
            best = (i, parameters)
        }
        guard let best else { return nil }
        return entry(best.group, method, parameters: best.parameters, flavor)
    }

    /// The group's entry for `method`, or a 405 listing the methods it takes.
    private func entry(_ group: Int, _ method: String, parameters: [String], _ flavor: Flavor) -> Route {
        let candidates = groups[group].entries
        if let entry = candidates.first(where: { $0.method == method || $0.method == "*" }) {
            return Route(.operation(entry), flavor: flavor, parameters: parameters)
        }
        // HEAD is answered where GET is for probes, not listed. A wrong method's error speaks
        // OpenAI's envelope unless the flavour is asked for (as before the route table).
        let order = ["GET", "POST", "DELETE"]
        let allowed = order.filter { method in candidates.contains { $0.method == method } }
        return Route(.methodNotAllowed(allowed: allowed))
    }
}
