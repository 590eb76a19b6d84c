import Testing
@testable import UnderstudyContract
@testable import UnderstudyMock

/// A document with only one of the two APIs: the other answers 404, as a provider without it would.
@Suite("serve --spec with a document that has one of the two APIs")
struct OneAPIDocumentTests {
    /// specs/openai.yaml without the lines of the paths from `first` up to `next`.
    static func without(from first: String, upTo next: String) throws -> OpenAIContract {
        var lines = EmbeddedSpecs.openaiYAML.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "  \(first):"))
        let end = try #require(lines[start...].firstIndex(of: "  \(next):"))
        lines.removeSubrange(start..<end)
        return try OpenAIContract(yaml: lines.joined(separator: "\n"), file: "derived.yaml")
    }

    static func engine(_ contract: OpenAIContract) throws -> MockEngine {
        MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), contract: contract, selfCheck: true,
                                                    clock: .fixed(1_751_328_000)))
    }

    static let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#
    static let responses = #"{"model":"gpt-4o","input":"Hi"}"#

    @Test("chat only: /v1/responses and its sub-routes answer 404; chat answers; one note says so")
    func chatOnly() throws {
        let contract = try Self.without(from: "/responses/compact", upTo: "/models")
        #expect(contract.hasChat && !contract.hasResponses)
        #expect(contract.startNote?.hasPrefix("no POST /responses: the Responses API answers 404") == true, "\(contract.startNote ?? "-")")
        let engine = try Self.engine(contract)
        #expect(engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(Self.chat.utf8))).status == 200)
        #expect(engine.respond(to: MockRequest(method: "POST", path: "/v1/responses", body: Array(Self.responses.utf8))).status == 404)
        #expect(engine.respond(to: MockRequest(method: "GET", path: "/v1/responses/resp_1/input_items")).status == 404)
        #expect(engine.selfCheckViolations.isEmpty, "\(engine.selfCheckViolations)")
    }

    @Test("responses only: /v1/chat/completions answers 404; responses answer")
    func responsesOnly() throws {
        let contract = try Self.without(from: "/chat/completions", upTo: "/responses/compact")
        #expect(!contract.hasChat && contract.hasResponses)
        #expect(contract.startNote == "no POST /chat/completions: the chat API answers 404", "\(contract.startNote ?? "-")")
        let engine = try Self.engine(contract)
        #expect(engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(Self.chat.utf8))).status == 404)
        #expect(engine.respond(to: MockRequest(method: "POST", path: "/v1/responses", body: Array(Self.responses.utf8))).status == 200)
        #expect(engine.selfCheckViolations.isEmpty, "\(engine.selfCheckViolations)")
    }
}
