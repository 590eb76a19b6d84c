import Testing
@testable import UnderstudyContract

@Suite("specs/openai.yaml")
struct OpenAIContractTests {
    static let contract: OpenAIContract = { try! OpenAIContract.embedded() }()

    @Test("the embedded copy is exactly specs/openai.yaml (run scripts/embed-fixtures after editing), and it compiles cleanly")
    func embedded() throws {
        let onDisk = try OpenAIContract.load(path: SpecLoadingTests.root + "/specs/openai.yaml")
        #expect(onDisk.yaml == Self.contract.yaml)
        #expect(Self.contract.warnings.isEmpty, "\(Self.contract.warnings)")
    }

    static func findings(_ json: String, _ schema: Schema) throws -> [String] {
        SchemaValidator().validate(try JSONParser.parse(json), against: schema).map { "\($0.instancePath) \($0.keyword)" }
    }

    @Test("broken responses are caught: what the official SDK would choke on")
    func brokenResponses() throws {
        let c = Self.contract
        #expect(try Self.findings(#"{"id":"x","object":"chat.completion","created":1,"model":"m"}"#, c.chatResponse!) == [" required"])
        #expect(try Self.findings(
            #"{"id":"x","object":"chat.completion","created":1.5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi","refusal":null},"logprobs":null,"finish_reason":"done"}]}"#,
            c.chatResponse!) == ["/created type", "/choices/0/finish_reason enum"])
        #expect(try Self.findings(
            #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"delta":{"role":"assistant"},"finish_reason":null}]}"#,
            c.chatChunk!) == ["/choices/0 required"])
        #expect(try Self.findings(#"{"error":{"message":"m","type":"t","code":404}}"#, c.error!) == ["/error required", "/error/code type"])
        #expect(try Self.findings(#"{"object":"list","data":[{"id":"a","object":"model","created":1,"owned_by":"o","shutdown_date":"soon"}]}"#,
                                  c.modelList!) == ["/data/0/shutdown_date format"])
    }
}
