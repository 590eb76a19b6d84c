import Testing
@testable import UnderstudyContract

@Suite("The OpenAPI dialect: 3.0 and 3.1 mixed, vendor extensions, read as the SDKs read them")
struct DialectTests {
    static let document = """
    openapi: 3.1.0
    paths:
      /v1/things:
        post:
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
          responses:
            '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
      /v1/things?beta=true:
        post:
          operationId: betaThing
          responses:
            '200': {content: {application/json: {schema: {type: string}}}}
      /organization/projects/{id}/models:
        get:
          operationId: projectModels
          responses: {'200': {description: x}}
      /models:
        get:
          operationId: listModels
          responses: {'200': {description: x}}
    components:
      schemas:
        Usage: {type: object, properties: {n: {type: integer}}, required: [n]}
        Thing:
          type: object
          properties:
            finish: {type: string, enum: [stop, length], nullable: true}
            usage: {$ref: '#/components/schemas/Usage', nullable: true, description: siblings}
            prediction: {nullable: true, oneOf: [{$ref: '#/components/schemas/Usage'}]}
            object: {type: string, enum: [thing], x-stainless-const: true}
            kind: {type: string, enum: [a, b], x-stainless-const: true, x-stainless-skip: [go]}
            typed: {$ref: '#/components/schemas/Usage', type: object, title: Item}
            count: {type: integer, minimum: 0, exclusiveMinimum: true, example: 3}
        Tool:
          type: object
          required: [type, strict]
          properties:
            type: {type: string}
            strict: {anyOf: [{type: boolean}, {type: 'null'}]}
            format: {type: object}
            input: {oneOf: [{type: object, properties: {role: {type: string}}}, {type: object, properties: {content: {type: string}}}, {type: string}]}
    """

    static let thing: Schema = {
        let compiler = SchemaCompiler(documents: [try! SpecDocument.parse(Array(document.utf8), file: "dialect.yaml")])
        return compiler.schema(file: "dialect.yaml", pointer: "/components/schemas/Thing")
    }()

    static func findings(_ json: String) throws -> [String] {
        SchemaValidator().validate(try JSONParser.parse(json), against: thing).map { "\($0.instancePath) \($0.keyword)" }
    }

    @Test("nullable: true accepts null beside an enum without null, a $ref and oneOf; the other keywords still apply")
    func nullable() throws {
        #expect(try Self.findings(#"{"finish":null,"usage":null,"prediction":null}"#) == [])
        let broken = try Self.findings(#"{"finish":"done","usage":{},"prediction":{"n":"x"}}"#)
        #expect(broken == ["/finish enum", "/usage required", "/prediction/n type"], "\(broken)")
    }

    @Test("x-stainless-const and x-stainless-skip are annotations: the enum decides; $ref siblings apply with the target")
    func extensions() throws {
        #expect(try Self.findings(#"{"object":"thing","kind":"b","typed":{"n":1}}"#) == [])
        #expect(try Self.findings(#"{"object":"other","kind":"c"}"#) == ["/object enum", "/kind enum"])
        #expect(try Self.findings(#"{"typed":{}}"#) == ["/typed required"])
        let typed = try Self.findings(#"{"typed":[]}"#)
        #expect(!typed.isEmpty && typed.allSatisfy { $0 == "/typed type" }, "\(typed)")
    }

    @Test("3.0's boolean exclusiveMinimum makes minimum exclusive; example is an annotation")
    func exclusive() throws {
        #expect(try Self.findings(#"{"count":1}"#) == [])
        let zero = try Self.findings(#"{"count":0}"#)
        #expect(zero == ["/count exclusiveMinimum"], "\(zero)")
    }

    @Test("a request finds the plain path before its ?beta=true variant; a template finds the shortest base path")
    func operations() throws {
        let spec = try SpecDocument.parse(Array(Self.document.utf8), file: "dialect.yaml")
        let compiler = SchemaCompiler(documents: [spec])
        let index = OperationIndex(document: spec, compiler: compiler)
        #expect(index.find(method: "POST", path: "/v1/things")?.id == "POST /v1/things")
        #expect(index.find(method: "POST", template: "/things")?.id == "POST /v1/things")
        #expect(index.find(method: "GET", template: "/models")?.id == "listModels")
        #expect(index.find(method: "GET", template: "/models/{model}") == nil)
        #expect(compiler.errors.isEmpty, "\(compiler.errors)")
    }

    @Test("a request is read as the live API reads it: an optional member may be null, a required nullable one absent, a value may match two oneOf branches")
    func requests() throws {
        let compiler = SchemaCompiler(documents: [try SpecDocument.parse(Array(Self.document.utf8), file: "dialect.yaml")])
        let tool = compiler.schema(file: "dialect.yaml", pointer: "/components/schemas/Tool")
        func findings(_ validator: SchemaValidator, _ json: String) throws -> [String] {
            validator.validate(try JSONParser.parse(json), against: tool).map { "\($0.instancePath) \($0.keyword)" }
        }
        let live = SchemaValidator().forRequests
        // As recorded: function tools without `strict` (openllmetry, crewAI), `response_format: null`
        // (openinference), input items that are both an EasyInputMessage and an InputMessage (crewAI).
        #expect(try findings(live, #"{"type":"function"}"#) == [])
        #expect(try findings(live, #"{"type":"function","strict":null,"format":null,"input":{"role":"user","content":"x"}}"#) == [])
        let written = try findings(SchemaValidator(), #"{"type":"function","format":null,"input":{"role":"user","content":"x"}}"#)
        #expect(Set(written) == [" required", "/format type", "/input oneOf"], "\(written)")
        // What no branch takes, a required member that cannot be null, and a wrong type still fail.
        let broken = try findings(live, #"{"strict":true,"format":[],"input":7}"#)
        #expect(Set(broken) == [" required", "/format type", "/input type"], "\(broken)")
    }

    static let published = """
    openapi: 3.1.0
    paths:
      /completions:
        post:
          responses:
            '200': {content: {application/json: {schema: {$ref: '#/components/schemas/CreateCompletionResponse'}}}}
    components:
      schemas:
        InputImageContent:
          type: object
          required: [type, detail]
          properties: {type: {type: string, enum: [input_image]}, detail: {type: string, enum: [low, high, auto]}}
        StopConfiguration: {nullable: true, oneOf: [{type: string}, {type: array, minItems: 1, maxItems: 4, items: {type: string}}]}
        Embedding: {type: object, properties: {embedding: {type: array, items: {type: number}}}}
        CreateCompletionResponse:
          type: object
          properties: {choices: {type: array, items: {type: object, properties: {finish_reason: {type: string, enum: [stop, length]}}}}}
    """

    @Test("the published document's errata: read as the live API behaves where it says otherwise; another document is unchanged")
    func errata() throws {
        let document = try SpecDocument.parse(Array(Self.published.utf8), file: "openai.yaml")
        let corrected = LiveErrata.apply(to: document)
        let compiler = SchemaCompiler(documents: [corrected])
        func valid(_ json: String, _ pointer: String) throws -> Bool {
            SchemaValidator().forRequests.isValid(try JSONParser.parse(json), against: compiler.schema(file: "openai.yaml", pointer: pointer))
        }
        #expect(try valid(#"{"type":"input_image"}"#, "/components/schemas/InputImageContent"))
        #expect(try !valid(#"{"detail":"auto"}"#, "/components/schemas/InputImageContent"))
        #expect(try valid("[]", "/components/schemas/StopConfiguration"))
        #expect(try !valid(#"["a","b","c","d","e"]"#, "/components/schemas/StopConfiguration"))
        #expect(try valid(#"{"embedding":"AAAAPwAAgD8="}"#, "/components/schemas/Embedding"))
        #expect(try valid(#"{"embedding":[0.5,1]}"#, "/components/schemas/Embedding"))
        #expect(try valid(#"{"choices":[{"finish_reason":null}]}"#, "/components/schemas/CreateCompletionResponse"))
        let content = corrected.root["paths"]?["/completions"]?["post"]?["responses"]?["200"]?["content"]
        #expect(content?["text/event-stream"] == content?["application/json"])
        // Read as written elsewhere, and unchanged when the schemas are not there.
        #expect(try !SchemaValidator().forRequests.isValid(JSONParser.parse("[]"),
                                                            against: SchemaCompiler(documents: [document]).schema(file: "openai.yaml", pointer: "/components/schemas/StopConfiguration")))
        let other = try SpecDocument.parse(Array(Self.document.utf8), file: "dialect.yaml")
        #expect(LiveErrata.apply(to: other).root == other.root)
    }

    @Test("every rule and erratum is in the documentation's table (docs/dialect.md)")
    func documented() throws {
        let page = String(decoding: try #require(FileBytes.read(SpecLoadingTests.root + "/docs/dialect.md")), as: UTF8.self)
        for rule in Dialect.rules {
            #expect(page.contains("| \(rule.writes) |"), "docs/dialect.md lacks the rule: \(rule.writes)")
        }
        for erratum in LiveErrata.all {
            #expect(page.contains("| `" + erratum.location.joined(separator: ".") + "` |"), "docs/dialect.md lacks the erratum at \(erratum.location)")
        }
    }
}
