#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
            throw FixtureError(file: modelsFile, line: 1, column: 1, message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        return try parse(models: models, modelsFile: modelsFile, replies: readFile(repliesFile) ?? "replies: []\n", repliesFile: repliesFile)
    }

    static func parse(models: String, modelsFile: String, replies: String, repliesFile: String) throws(FixtureError) -> Fixtures {
        let catalog = try ModelCatalog.parse(yaml: models, file: modelsFile)
        return Fixtures(catalog: catalog, replies: try ReplyRule.parseAll(yaml: replies, file: repliesFile, catalog: catalog))
    }

    /// The whole file as UTF-8 text, or nil if it cannot be opened.
    static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
