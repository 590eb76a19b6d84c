import UnderstudyContract

/// Everything the mock reads from fixtures/: the model catalog and the canned replies.
public struct Fixtures: Sendable {
    public var catalog: ModelCatalog
    public var replies: [ReplyRule]

    public init(catalog: ModelCatalog, replies: [ReplyRule]) {
        self.catalog = catalog
        self.replies = replies
    }

    /// The fixtures compiled into the binary (a copy of fixtures/, see EmbeddedFixtures.swift).
    public static func embedded() throws(FixtureError) -> Fixtures {
        try parse(models: EmbeddedFixtures.modelsYAML, modelsFile: "fixtures/models.yaml",
                  replies: EmbeddedFixtures.repliesYAML, repliesFile: "fixtures/replies.yaml")
    }

    /// Reads `DIR/models.yaml` and, if present, `DIR/replies.yaml`.
    public static func load(directory: String) throws(FixtureError) -> Fixtures {
        let modelsFile = directory + "/models.yaml"
        let repliesFile = directory + "/replies.yaml"
        guard let models = readFile(modelsFile) else {
            throw FixtureError(file: modelsFile, line: 1, column: 1, message: "cannot read the file (\(FileBytes.lastError))")
        }
        return try parse(models: models, modelsFile: modelsFile, replies: readFile(repliesFile) ?? "replies: []\n", repliesFile: repliesFile)
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
