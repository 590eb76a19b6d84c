/// The models the mock serves, looked up by any of their ids.
public struct ModelCatalog: Sendable {
    /// In file order: listings keep it.
    public let models: [ModelInfo]
    private let index: [String: Int]

    public init(models: [ModelInfo]) throws(FixtureError) {
        self.models = models
        var index: [String: Int] = [:]
        for (i, model) in models.enumerated() {
            for name in [model.id] + model.aliases {
                if let other = index[name], other != i {
                    throw FixtureError(file: "models.yaml", line: 1, column: 1,
                                       message: "the id '\(name)' names both \(models[other].id) and \(model.id)")
                }
                index[name] = i
            }
        }
        self.index = index
    }

    /// The model a request's `model` names, by canonical id or alias.
    public func model(named name: String) -> ModelInfo? {
        index[name].map { models[$0] }
    }

    /// A model's prices, without copying the rest of its facts (the dashboard prices every answer).
    public func pricing(named name: String) -> Pricing? {
        index[name].map { models[$0].pricing }
    }

    /// With `--models open`, the catalog id whose facts an unknown model id borrows (a fine-tune
    /// `ft:gpt-4o-mini:org::id`, a gateway's own name); nil serves the live API's 404.
    public var openDefault: String?

    /// The model that serves a request naming `name`: the catalog's, else (with `openDefault`) a
    /// stand-in with the default's facts under the requested id. A fine-tune borrows its base
    /// model's facts when the base is known.
    public func serving(_ name: String, flavor: Flavor) -> ModelInfo? {
        guard let model = serving(name), model.isListed(by: flavor) else { return nil }
        guard flavor != .openrouter, let own = model.openAIEndpoints else { return model }
        var openAIs = model
        openAIs.endpoints = own
        return openAIs
    }

    /// The models a flavour lists: OpenAI lists only its own; OpenRouter and AIML API list every
    /// provider's.
    public func listed(by flavor: Flavor) -> [ModelInfo] {
        // OpenAI's list names its models by their own ids: an entry without one (gpt-oss, which
        // OpenAI's API does not serve) is answered under its prefixed id but not listed.
        models.filter { $0.isListed(by: flavor) && (flavor != .openai || $0.aliases.contains { !$0.contains("/") }) }
    }

    /// The base model a fine-tune's id names: `ft:gpt-4o-mini:acme::abc123` → `gpt-4o-mini`.
    static func fineTuneBase(_ id: String) -> String? {
        guard id.hasPrefix("ft:") else { return nil }
        return id.split(separator: ":").dropFirst().first.map(String.init)
    }

    public func serving(_ name: String) -> ModelInfo? {
        if let known = model(named: name) { return known }
        guard let openDefault, !name.isEmpty, name.utf8.count <= 256 else { return nil }
        let base = Self.fineTuneBase(name).flatMap(model(named:))
        guard var standIn = base ?? model(named: openDefault) else { return nil }
        standIn.standInFor = standIn.id
        standIn.id = name
        standIn.aliases = [name]
        standIn.snapshot = name
        standIn.name = name
        standIn.deprecation = nil
        return standIn
    }
}
