import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import UnderstudyContract

@Suite("Schema compilation and validation")
struct SchemaValidatorTests {
    /// Compiles `#/s` of an inline YAML document.
    static func schema(_ yaml: String, file: String = "/tmp/inline.yaml") throws -> (Schema, SchemaCompiler) {
        let doc = try SpecDocument.parse(Array(yaml.utf8), file: file)
        let compiler = SchemaCompiler(documents: [doc])
        return (compiler.schema(file: file, pointer: "/s"), compiler)
    }

    static func findings(_ yaml: String, _ json: String) throws -> [String] {
        let (s, compiler) = try schema(yaml)
        #expect(compiler.errors.isEmpty, "\(compiler.errors)")
        return SchemaValidator().validate(try JSONParser.parse(json), against: s).map { "\($0.instancePath) \($0.keyword): \($0.message)" }
    }

    @Test("keywords, each with a finding a person can read", arguments: [
        ("s: {type: string}", "1", [" type: expected string, got integer"]),
        ("s: {type: integer}", "1.0", []),
        ("s: {type: integer}", "1.5", [" type: expected integer, got number"]),
        ("s: {type: string, nullable: true}", "null", []),
        ("s: {nullable: true, anyOf: [{type: string}]}", "null", []),
        ("s: {nullable: true, anyOf: [{type: string}]}", "1", [" type: expected string, got integer"]),
        ("s: {type: [string, 'null']}", "true", [" type: expected string or null, got boolean"]),
        ("s: {enum: [a, b]}", #""c""#, [#" enum: "c" is not one of "a", "b""#]),
        ("s: {const: 3}", "3.0", []),
        ("s: {type: object, required: [a, b], properties: {a: {type: string}}}", #"{"a":1}"#,
         [" required: missing required property 'b'", "/a type: expected string, got integer"]),
        ("s: {type: object, properties: {a: {}}, additionalProperties: false}", #"{"a":1,"z":2}"#, ["/z additionalProperties: unknown property 'z'"]),
        ("s: {type: object, additionalProperties: {type: integer}}", #"{"x":"y"}"#, ["/x type: expected integer, got string"]),
        ("s: {patternProperties: {'^x-': {type: string}}, additionalProperties: false}", #"{"x-a":"ok","b":1}"#, ["/b additionalProperties: unknown property 'b'"]),
        ("s: {minimum: 1, maximum: 3}", "4", [" maximum: expected a value <= 3, got 4"]),
        ("s: {minimum: 1, exclusiveMinimum: true}", "1", [" exclusiveMinimum: expected a value > 1, got 1"]),
        ("s: {exclusiveMaximum: 2}", "2", [" exclusiveMaximum: expected a value < 2, got 2"]),
        ("s: {multipleOf: 0.5}", "1.25", [" multipleOf: expected a multiple of 0.5, got 1.25"]),
        ("s: {minLength: 2, maxLength: 3}", #""é""#, [" minLength: expected at least 2 characters, got 1"]),
        ("s: {pattern: '^[a-z]+$'}", #""abc1""#, [#" pattern: "abc1" does not match /^[a-z]+$/"#]),
        ("s: {format: date-time}", #""2025-02-30T00:00:00Z""#, [#" format: "2025-02-30T00:00:00Z" is not a valid date-time"#]),
        ("s: {format: date}", #""2024-02-29""#, []),
        ("s: {items: {type: integer}, minItems: 1, maxItems: 2}", "[1,2,3]", [" maxItems: expected at most 2 items, got 3"]),
        ("s: {prefixItems: [{type: string}], items: {type: integer}}", #"["a",1,"b"]"#, ["/2 type: expected integer, got string"]),
        ("s: {uniqueItems: true}", #"[1,{"a":1},1.0]"#, [" uniqueItems: items 0 and 2 are equal"]),
        ("s: {allOf: [{required: [a]}, {required: [b]}]}", "{}", [" required: missing required property 'a'", " required: missing required property 'b'"]),
        ("s: {oneOf: [{type: integer}, {type: number}]}", "1", [" oneOf: matches more than one of the 2 alternatives; exactly one is allowed"]),
        ("s: {not: {type: string}}", #""x""#, [#" not: must not match the schema at /tmp/inline.yaml#/s/not"#]),
        ("s: false", "1", [" false: no value is allowed here"]),
        ("s: {propertyNames: {pattern: '^[a-z]+$'}}", #"{"ok":1,"Bad":2}"#, [#"/Bad pattern: "Bad" does not match /^[a-z]+$/"#]),
    ])
    func keyword(yaml: String, json: String, expected: [String]) throws {
        #expect(try Self.findings(yaml, json) == expected)
    }

    static let parts = """
    s:
      type: array
      items:
        anyOf:
          - {$ref: '#/text'}
          - {$ref: '#/image'}
    text:
      type: object
      required: [type, text]
      properties: {type: {type: string, enum: [text]}, text: {type: string}}
    image:
      type: object
      required: [type, image_url]
      properties: {type: {type: string, enum: [image_url]}, image_url: {type: object, required: [url]}}
    """

    @Test("anyOf reports against the branch the instance meant, told by its pinned `type`")
    func intendedBranch() throws {
        #expect(try Self.findings(Self.parts, #"[{"type":"text","text":"hi"},{"type":"image_url","image_url":{}}]"#)
                == ["/1/image_url required: missing required property 'url'"])
        #expect(try Self.findings(Self.parts, #"[{"type":"video"}]"#) == [#"/0/type enum: "video" is not one of "text", "image_url""#])
        #expect(try Self.findings(Self.parts, #"[{"text":"hi"}]"#) == ["/0 required: missing required property 'type'"])
        #expect(try Self.findings(Self.parts, #"["hi"]"#) == ["/0 type: expected object, got string"])
    }

    @Test("recursion through $ref and $recursiveRef, and $ref beside other keywords")
    func recursion() throws {
        let tree = """
        s: {$ref: '#/node'}
        node:
          type: object
          properties:
            children: {type: array, items: {$ref: '#/node'}}
            name: {$ref: '#/name', description: sibling keywords apply too, maxLength: 3}
        name: {type: string}
        """
        #expect(try Self.findings(tree, #"{"children":[{"children":[{"name":7}]}]}"#) == ["/children/0/children/0/name type: expected string, got integer"])
        #expect(try Self.findings(tree, #"{"name":"long"}"#) == ["/name maxLength: expected at most 3 characters, got 4"])
        let filter = """
        s:
          $recursiveAnchor: true
          type: object
          properties:
            filters: {type: array, items: {anyOf: [{type: string}, {$recursiveRef: '#'}]}}
        """
        #expect(try Self.findings(filter, #"{"filters":["a",{"filters":["b",{"filters":[1]}]}]}"#).count == 1)
    }

    @Test("relative-file $refs load the other file; dangling ones name the pointer and where it was used")
    func references() throws {
        let (s, compiler) = try Self.schema("s: {$ref: 'nowhere.yaml#/X'}\nt: {$ref: '#/missing'}\n")
        _ = compiler.schema(file: "/tmp/inline.yaml", pointer: "/t")
        #expect(compiler.errors.count == 2)
        #expect(compiler.errors[0].description.hasPrefix("/tmp/inline.yaml:1:11: error: unresolved $ref to /tmp/nowhere.yaml"))
        #expect(compiler.errors[1].description == "/tmp/inline.yaml:2:11: error: unresolved $ref '#/missing': no /missing in /tmp/inline.yaml")
        _ = s
    }

    @Test("a $ref into a sibling file compiles that file's schema")
    func siblingFile() throws {
        let directory = "/tmp/understudy-spec-test-\(StableHash.hash(#filePath) % 100_000)"
        _ = mkdirAll(directory)
        #expect(writeFile(directory + "/common.yaml", "Name: {type: string, minLength: 1}\n"))
        let doc = try SpecDocument.parse(Array("s: {type: object, properties: {name: {$ref: 'common.yaml#/Name'}}}\n".utf8), file: directory + "/main.yaml")
        let compiler = SchemaCompiler(documents: [doc])
        let s = compiler.schema(file: doc.file, pointer: "/s")
        #expect(compiler.errors.isEmpty)
        let findings = SchemaValidator().validate(try JSONParser.parse(#"{"name":""}"#), against: s)
        #expect(findings.map(\.schemaPath) == [directory + "/common.yaml#/Name/minLength"])
    }

    @Test("unknown keywords are warnings at their line, never a crash")
    func unknownKeyword() throws {
        let (_, compiler) = try Self.schema("s:\n  type: string\n  colour: red\n")
        #expect(compiler.errors.isEmpty)
        #expect(compiler.problems.map(\.description) == ["/tmp/inline.yaml:3:11: warning: unknown keyword 'colour' (ignored)"])
    }

    @Test("the official OpenAI document: every one of its 1,422 schemas compiles without error",
          .enabled(if: SpecLoadingTests.officialPath != nil, SpecLoadingTests.withoutOfficialDocument))
    func officialDocument() throws {
        let doc = try SpecDocument.load(path: try #require(SpecLoadingTests.officialPath))
        let compiler = SchemaCompiler(documents: [doc])
        #expect(compiler.compileComponents(of: doc.file) == 1422)
        #expect(compiler.errors.isEmpty, "\(compiler.errors.prefix(5))")
        let request = compiler.schema(file: doc.file, pointer: "/components/schemas/CreateChatCompletionRequest")
        let good = try JSONParser.parse(#"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"seed":9223372036854775807}"#)
        #expect(SchemaValidator().validate(good, against: request).isEmpty)
        let bad = try JSONParser.parse(#"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text"}]}],"n":0}"#)
        let findings = SchemaValidator().validate(bad, against: request).map { "\($0.instancePath) \($0.keyword)" }
        #expect(findings.contains("/n minimum"))
        #expect(findings.contains { $0.hasPrefix("/messages/0") })
    }
}

func mkdirAll(_ path: String) -> Bool { mkdir(path, 0o755) == 0 || errno == EEXIST }

func writeFile(_ path: String, _ text: String) -> Bool {
    guard let f = fopen(path, "wb") else { return false }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    return fwrite(bytes, 1, bytes.count, f) == bytes.count
}
