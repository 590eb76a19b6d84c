// The generated cases and the shrinker, without a server.
import Testing
@testable import UnderstudyConform
import UnderstudyContract
#if canImport(Glibc)
import Glibc
#endif

/// The official OpenAI document, when UNDERSTUDY_OPENAPI_DOCUMENT names it.
private let officialDocument: String? = getenv("UNDERSTUDY_OPENAPI_DOCUMENT").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }

@Suite struct GeneratedCaseTests {
    let schema = try! OpenAIContract.embedded().chatRequest!

    @Test func validCasesAreValidAndInvalidCasesAreNot() {
        var generator = CaseGenerator(schema: schema, model: "gpt-4o", seed: 7)
        var mutations: Set<String> = []
        for _ in 0..<300 {
            let valid = generator.valid()
            #expect(generator.isValid(valid), "\(valid.jsonString)")
            let (base, mutation) = generator.invalid()
            #expect(generator.isValid(base))
            #expect(!generator.isValid(.object(mutation.apply(base.objectValue!))), "\(mutation.description)")
            mutations.insert(String(mutation.description.prefix { $0 != " " && $0 != "[" }))
        }
        // Every kind of mutation turns up: dropped required, wrong values, unknown argument, broken message.
        #expect(mutations.contains("without"))
        #expect(mutations.contains("an"))
        #expect(mutations.contains("messages"))
        #expect(mutations.count > 10)
    }

    /// The official document writes the request as allOf [shared properties, its own]: the
    /// generator gathers properties and required names through it.
    @Test(.enabled(if: officialDocument != nil, "UNDERSTUDY_OPENAPI_DOCUMENT is not set (scripts/fetch-openai-spec fetches the document)"))
    func casesFromTheOfficialDocument() throws {
        let path = try #require(officialDocument)
        let schema = try #require(try OpenAIContract.load(path: path).chatRequest)
        var generator = CaseGenerator(schema: schema, model: "gpt-4o", seed: 7)
        var mutations: Set<String> = []
        for _ in 0..<100 {
            #expect(generator.isValid(generator.valid()))
            let (base, mutation) = generator.invalid()
            #expect(!generator.isValid(.object(mutation.apply(base.objectValue!))), "\(mutation.description)")
            mutations.insert(String(mutation.description.prefix { $0 != " " && $0 != "[" }))
        }
        #expect(mutations.contains("without") && mutations.count > 10, "\(mutations)")
    }

    @Test func theSameSeedGivesTheSameCases() {
        var a = CaseGenerator(schema: schema, model: "m", seed: 42)
        var b = CaseGenerator(schema: schema, model: "m", seed: 42)
        var c = CaseGenerator(schema: schema, model: "m", seed: 43)
        let first = (0..<20).map { _ in a.valid().jsonString }
        #expect(first == (0..<20).map { _ in b.valid().jsonString })
        #expect(first != (0..<20).map { _ in c.valid().jsonString })
    }

    @Test func shrinkingFindsTheMinimalFailingCase() async {
        // Fails whenever "bad" is present and positive: the minimum keeps only that, at 1.
        let start = try! JSONParser.parse(#"{"a": "some long text here", "bad": 57, "list": [1, 2, 3], "nested": {"x": true}}"#)
        let (small, tries) = await Shrinker.shrink(start, budget: 100, keeps: { _ in true }) { (value: JSONValue) async -> Bool in
            (value["bad"]?.integerValue ?? 0) > 0
        }
        #expect(small.jsonString == #"{"bad":1}"#)
        #expect(tries > 0 && tries <= 100)
    }

    @Test func shrinkingStopsAtTheBudgetAndKeepsTheClass() async {
        let start = try! JSONParser.parse(#"{"a": 1, "b": 2, "c": 3, "d": 4}"#)
        // `keeps` forbids dropping "a": every candidate without it is never sent.
        var sent: [JSONValue] = []
        let (small, tries) = await Shrinker.shrink(start, budget: 2, keeps: { $0["a"] != nil }) { (value: JSONValue) async -> Bool in
            sent.append(value)
            return true
        }
        #expect(tries == 2 && sent.count == 2)
        #expect(sent.allSatisfy { $0["a"] != nil })
        #expect(small.objectValue!.count == 2)
    }
}
