import Testing
@testable import UnderstudyContract

/// specs/openrouter.yaml against OpenRouter's own published document, named by
/// UNDERSTUDY_OPENROUTER_DOCUMENT (.ci/run sets it; never copied into the repository).
@Suite("specs/openrouter.yaml: an overlay of the OpenAI contract, against OpenRouter's document")
struct OpenRouterContractTests {
    static let documentPath: String? = SpecLoadingTests.path(fromEnvironment: "UNDERSTUDY_OPENROUTER_DOCUMENT")

    static let withoutDocument: Comment = "UNDERSTUDY_OPENROUTER_DOCUMENT is not set"

    @Test("the embedded copy is exactly specs/openrouter.yaml, and the merged contract compiles cleanly")
    func embedded() throws {
        let onDisk = String(decoding: try #require(FileBytes.read(SpecLoadingTests.root + "/specs/openrouter.yaml")), as: UTF8.self)
        #expect(onDisk == EmbeddedSpecs.openrouterYAML)
        #expect(LiveTrafficTests.openRouter.warnings.isEmpty, "\(LiveTrafficTests.openRouter.warnings)")
        #expect(LiveTrafficTests.openRouter.chatRequest != nil && LiveTrafficTests.openRouter.error != nil)
    }

    @Test("a merge patch: objects merge, null removes, arrays and scalars replace")
    func mergePatch() throws {
        let base = try JSONParser.parse(#"{"a":{"b":1,"c":[1,2]},"d":"x","e":true}"#)
        let patch = try JSONParser.parse(#"{"a":{"c":[3],"f":{"g":null}},"d":null,"e":false}"#)
        #expect(SpecOverlay.apply(patch, to: base) == (try JSONParser.parse(#"{"a":{"b":1,"c":[3],"f":{}},"e":false}"#)))
    }

    static func properties(_ document: SpecDocument, _ schema: String) -> [String] {
        document.root["components"]?["schemas"]?[schema]?["properties"]?.objectValue?.keys ?? []
    }

    @Test("every request member OpenRouter documents is one --flavor openrouter accepts; its error example keeps our envelope",
          .enabled(if: documentPath != nil, withoutDocument))
    func documented() throws {
        let document = try SpecDocument.load(path: try #require(Self.documentPath))
        let contract = LiveTrafficTests.openRouter
        let chat = try #require(contract.chatRequest)
        let responses = try #require(contract.responseRequest)
        let chatMembers = Self.properties(document, "ChatRequest")
        let responsesMembers = Self.properties(document, "ResponsesRequest")
        #expect(chatMembers.count > 20 && responsesMembers.count > 20)
        #expect(chatMembers.filter { chat.property($0) == nil } == [])
        #expect(responsesMembers.filter { responses.property($0) == nil } == [])
        let example = try #require(document.root["components"]?["schemas"]?["BadRequestResponseErrorData"]?["example"])
        let error = try #require(contract.error)
        #expect(SchemaValidator().validate(.object(["error": example]), against: error) == [])
    }
}
