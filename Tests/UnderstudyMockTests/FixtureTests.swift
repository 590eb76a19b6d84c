import Testing
import UnderstudyContract
@testable import UnderstudyMock

@Suite("Fixtures and the model catalog")
struct FixtureTests {
    /// The repository root, found from this file's path.
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    @Test("the embedded fixtures are exactly fixtures/ (run scripts/embed-fixtures after editing)")
    func embeddedMatchesFiles() throws {
        let embedded = try Fixtures.embedded()
        let files = try Fixtures.load(directory: Self.root + "/fixtures")
        #expect(embedded.catalog.models == files.catalog.models)
        #expect(embedded.replies.map(\.reply) == files.replies.map(\.reply))
        #expect(embedded.replies.map { $0.lastUser?.source } == files.replies.map { $0.lastUser?.source })
    }

    @Test("the catalog holds the seeds' facts")
    func seedFacts() throws {
        let catalog = try Fixtures.embedded().catalog
        let preview = try #require(catalog.model(named: "gpt-4.5-preview"))
        #expect(preview.id == "openai/gpt-4.5-preview")
        #expect(preview.contextLength == 128_000)
        #expect(preview.pricing == Pricing(input: 75, output: 150, imagePerThousand: 108.40, cacheRead: nil, cacheWrite: nil))
        #expect(preview.deprecation?.shutdown == UTCDate.parseDay("2025-07-14"))
        #expect(catalog.model(named: preview.deprecation?.replacement ?? "")?.openAIID == "gpt-4.1")
        let gpt4 = try #require(catalog.model(named: "openai/gpt-4"))
        #expect(gpt4.contextLength == 8191)
        #expect(gpt4.created == UTCDate.parseDay("2023-05-28"))
        let gpt5 = try #require(catalog.model(named: "gpt-5"))
        #expect(gpt5.reasoning && gpt5.byokRequired)
        #expect(gpt5.contextLength == 400_000 && gpt5.maxOutputTokens == 128_000)
        #expect(gpt5.pricing.cacheRead == 0.125)
        #expect(catalog.model(named: "gpt-4o")?.pricing.imagePerThousand == 3.613)
        #expect(catalog.model(named: "gpt-4o-2024-08-06")?.id == "openai/gpt-4o")
        // A model of an API the mock does not serve: listed, without limits or prices.
        let whisper = try #require(catalog.model(named: "whisper-1"))
        #expect(!whisper.writesText && whisper.endpoints == ["transcriptions"] && whisper.ownedBy == "openai-internal")
        #expect(whisper.contextLength == 0 && whisper.pricing == Pricing(input: 0, output: 0))
        #expect(gpt5.ownedBy == "system" && gpt4.ownedBy == "openai")
    }

    @Test("bad fixture files fail with file:line:column and what to fix", arguments: [
        ("models:\n  - id: x\n    context_length: [1\n", "models.yaml:3:21:", "YAML syntax error: while parsing a flow sequence"),
        ("models:\n  - id: x\n   name: y\n", "models.yaml:3:4:", "did not find expected '-' indicator: `name: y`"),
        ("models:\n  - id: x\n    created: 2024-01-01\n    context_length: 10\n    max_output_tokens: 5\n    pricing: {input: 1, output: 2}\n    colour: red\n",
         "models.yaml:7:13", "unknown key 'colour'"),
        ("models:\n  - id: x\n    created: yesterday\n", "models.yaml:3:14", "created must be a date"),
        ("models:\n  - id: x\n    created: 2024-01-01\n    pricing: {input: 1, output: 2}\n    context_length: ten\n", "models.yaml:5:21", "context_length must be an integer"),
        ("models:\n  - id: x\n    created: 2024-01-01\n    context_length: 10\n", "models.yaml:2:5", "missing required key 'pricing'"),
        ("models: {}\n", "models.yaml:1:9", "models must be a list"),
        ("models:\n  - id: x\n    created: 2024-01-01\n    endpoints: [images, chat]\n", "models.yaml:2:5", "endpoints must list chat and/or responses, or be one of"),
        ("models:\n  - id: x\n    created: 2024-01-01\n    endpoints: [chat]\n    pricing: {input: 1, output: 2}\n", "models.yaml:2:5", "missing required key 'context_length'"),
    ])
    func badModels(yaml: String, location: String, message: String) {
        do {
            _ = try ModelCatalog.parse(yaml: yaml, file: "models.yaml")
            Issue.record("no error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(location), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("the server clock reads ISO-8601 instants")
    func clock() throws {
        #expect(ServerClock(argument: "2025-07-01T00:00:00Z") == .fixed(1_751_328_000))
        #expect(ServerClock(argument: "2025-07-01T02:00:00+02:00") == .fixed(1_751_328_000))
        #expect(ServerClock(argument: "2025-07-01") == .fixed(1_751_328_000))
        #expect(ServerClock(argument: "2025-02-30") == nil)
        #expect(ServerClock(argument: "soon") == nil)
        #expect(UTCDate.httpDate(1_751_328_000) == "Tue, 01 Jul 2025 00:00:00 GMT")
        #expect(UTCDate.httpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        // Every field is digits only (no sign), offsets are ±HH:MM within a day; a year is written with four digits.
        for text in ["1970-01-01T00:00:00-99:99", "2025-07-01T00:00:00+1:000", "2025-07-01T00:00:00+-1:00", "2025-07-01T00:00:00+0100",
                     "2025-+7-01", "2025-07-01T+1:00:00Z", "2025-07-01T01:-0:00Z"] {
            #expect(ServerClock(argument: text) == nil, "\(text)")
        }
        let lateInTheDay: Int64 = 1_751_328_000 + 2 * 86_400 - 120
        #expect(ServerClock(argument: "2025-07-01T23:59:00-23:59") == .fixed(lateInTheDay))
        let yearZero = try #require(UTCDate.parseInstant("0000-01-01T00:00:00Z"))
        #expect(UTCDate.httpDate(yearZero) == "Sat, 01 Jan 0000 00:00:00 GMT" && UTCDate.dayString(yearZero) == "0000-01-01")
        #expect(UTCDate.httpDate(UTCDate.parseInstant("0999-12-31T23:59:59Z")!) == "Tue, 31 Dec 0999 23:59:59 GMT")
    }
}
