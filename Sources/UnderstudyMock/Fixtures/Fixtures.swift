import UnderstudyContract

/// Everything the mock reads from fixtures/: the model catalog, the canned replies, the scenarios.
public struct Fixtures: Sendable {
    public var catalog: ModelCatalog
    public var replies: [ReplyRule]
    public var scenarios: [ScenarioRule] = []

    public init(catalog: ModelCatalog, replies: [ReplyRule], scenarios: [ScenarioRule] = []) {
        self.catalog = catalog
        self.replies = replies
        self.scenarios = scenarios
    }

    /// The fixtures compiled into the binary (a copy of fixtures/, see EmbeddedFixtures.swift).
    public static func embedded() throws(FixtureError) -> Fixtures {
        var fixtures = try parse(models: EmbeddedFixtures.modelsYAML, modelsFile: "fixtures/models.yaml",
                                 replies: EmbeddedFixtures.repliesYAML, repliesFile: "fixtures/replies.yaml")
        fixtures.scenarios = try ScenarioRule.parseAll(yaml: EmbeddedFixtures.scenariosYAML, file: "fixtures/scenarios.yaml")
        return fixtures
    }

    /// Reads `DIR/models.yaml` and, if present, `DIR/replies.yaml`.
    public static func load(directory: String) throws(FixtureError) -> Fixtures {
        let modelsFile = directory + "/models.yaml"
        let repliesFile = directory + "/replies.yaml"
        guard let models = readFile(modelsFile) else {
            throw FixtureError(file: modelsFile, line: 1, column: 1, message: "cannot read the file (\(FileBytes.lastError))")
        }
        var fixtures = try parse(models: models, modelsFile: modelsFile, replies: readFile(repliesFile) ?? "replies: []\n", repliesFile: repliesFile)
        let scenariosFile = directory + "/scenarios.yaml"
        if let text = readFile(scenariosFile) { fixtures.scenarios = try ScenarioRule.parseAll(yaml: text, file: scenariosFile) }
        return fixtures
    }

    /// Reads a scenarios file (`--scenarios FILE`).
    public static func loadScenarios(path: String) throws(FixtureError) -> [ScenarioRule] {
        guard let text = readFile(path) else {
            throw FixtureError(file: path, line: 1, column: 1, message: "cannot read the file (\(FileBytes.lastError))")
        }
        return try ScenarioRule.parseAll(yaml: text, file: path)
    }

    /// `--timing FILE`: per-model timing over the catalog's.
    public func loadTiming(path: String) throws(FixtureError) -> TimingMode {
        guard let text = Self.readFile(path) else {
            throw FixtureError(file: path, line: 1, column: 1, message: "cannot read the file (\(FileBytes.lastError))")
        }
        return try TimingMode.parse(yaml: text, file: path, catalog: catalog)
    }

    static func parse(models: String, modelsFile: String, replies: String, repliesFile: String) throws(FixtureError) -> Fixtures {
        let catalog = try ModelCatalog.parse(yaml: models, file: modelsFile)
        return Fixtures(catalog: catalog, replies: try ReplyRule.parseAll(yaml: replies, file: repliesFile, catalog: catalog))
    }

    /// The whole file as UTF-8 text, or nil if it cannot be opened.
    static func readFile(_ path: String) -> String? {
        FileBytes.read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
