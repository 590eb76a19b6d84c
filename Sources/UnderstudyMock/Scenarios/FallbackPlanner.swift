import UnderstudyContract

/// OpenRouter's routing: the (model, provider) pairs a request may be served by, in the order
/// they are tried. `model`, then `models: [...]`; for each, its providers filtered by
/// `provider.only` / `provider.ignore`, those in `provider.order` first, the rest after them
/// unless `allow_fallbacks: false`.
enum FallbackPlanner {
    struct Attempt: Sendable {
        var requested: String
        var model: ModelInfo
        var provider: String
        var priceFactor: Double = 1

        var label: String { "\(model.id)@\(provider)" }
    }

    static func attempts(_ body: JSONValue, catalog: ModelCatalog) -> [Attempt] {
        var names: [String] = []
        if let model = body["model"]?.stringValue { names.append(model) }
        for name in body["models"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !names.contains(name) { names.append(name) }
        let preferences = body["provider"]
        let order = preferences?["order"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let only = preferences?["only"]?.arrayValue?.compactMap(\.stringValue)
        let ignore = preferences?["ignore"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let allowFallbacks = preferences?["allow_fallbacks"]?.boolValue ?? true
        // sort: "price" | "throughput" | "latency", or {by: …}.
        let sort = preferences?["sort"]?.stringValue ?? preferences?["sort"]?["by"]?.stringValue
        func matches(_ list: [String], _ provider: String) -> Bool { list.contains { FallbackPlanner.names($0, provider) } }
        var attempts: [Attempt] = []
        for name in names {
            guard let model = catalog.model(named: name) else { continue }
            var providers = model.providers
            if let only { providers = providers.filter { matches(only, $0.name) } }
            providers = providers.filter { !matches(ignore, $0.name) }
            switch sort {
            case "price": providers.sort { $0.priceFactor < $1.priceFactor }
            case "throughput": providers.sort { $0.throughput > $1.throughput }
            case "latency": providers.sort { $0.latencyMilliseconds < $1.latencyMilliseconds }
            default: break
            }
            let preferred = order.compactMap { wanted in providers.first { FallbackPlanner.names(wanted, $0.name) } }
            let rest = providers.filter { provider in !preferred.contains(provider) }
            for provider in preferred + (allowFallbacks || order.isEmpty ? rest : []) {
                attempts.append(Attempt(requested: name, model: model, provider: provider.name, priceFactor: provider.priceFactor))
            }
        }
        return attempts
    }

    /// Whether `wanted` names `provider`: by its name (`Google AI Studio`) or its slug
    /// (`google-ai-studio`, as OpenRouter's provider routing documents them), any case.
    static func names(_ wanted: String, _ provider: String) -> Bool {
        let wanted = wanted.lowercased(), name = provider.lowercased()
        return wanted == name || wanted == String(name.map { $0 == " " ? "-" : $0 })
    }
}
