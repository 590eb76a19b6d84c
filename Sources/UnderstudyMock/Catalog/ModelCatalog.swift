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
}
