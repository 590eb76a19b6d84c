import Testing
@testable import UnderstudyContract

@Suite("Instances generated from schemas")
struct SchemaInstanceGeneratorTests {
    @Test("every schema of specs/openai.yaml gets a valid instance")
    func everySchemaOfOurs() throws {
        #expect(try Self.generateEvery(in: SpecLoadingTests.root + "/specs/openai.yaml") >= 60)
    }

    @Test("every schema of the official document gets a valid instance",
          .enabled(if: SpecLoadingTests.officialPath != nil, SpecLoadingTests.withoutOfficialDocument))
    func everySchemaOfTheOfficialDocument() throws {
        #expect(try Self.generateEvery(in: try #require(SpecLoadingTests.officialPath)) == 1422)
    }

    /// Generates an instance of every component schema of `path`; expects each valid; returns how many.
    static func generateEvery(in path: String) throws -> Int {
        var failures: [String] = []
        var total = 0
        do {
            let document = try SpecDocument.load(path: path)
            let compiler = SchemaCompiler(documents: [document])
            for member in document.root["components"]?["schemas"]?.objectValue?.members ?? [] {
                let schema = compiler.schema(file: path, pointer: "/components/schemas/" + JSONPointer.escape(member.key))
                var generator = SchemaInstanceGenerator(seed: StableHash.hash(member.key))
                let value = try generator.generate(schema)
                total += 1
                if let finding = SchemaValidator().validate(value, against: schema).first {
                    failures.append("\(member.key): \(finding)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(total): \(failures.prefix(8))")
        return total
    }

    @Test("strings follow format, length and pattern; numbers their bounds; the same seed gives the same value")
    func constraints() throws {
        let yaml = """
        s:
          type: object
          required: [when, code, count, ratio, tags]
          additionalProperties: false
          properties:
            when: {type: string, format: date-time}
            code: {type: string, pattern: '^[A-Z]+$', minLength: 5}
            count: {type: integer, minimum: 3, exclusiveMaximum: 5}
            ratio: {type: number, multipleOf: 0.25, maximum: 1}
            tags: {type: array, minItems: 3, uniqueItems: true, items: {type: string}}
        """
        let doc = try SpecDocument.parse(Array(yaml.utf8), file: "g.yaml")
        let schema = SchemaCompiler(documents: [doc]).schema(file: "g.yaml", pointer: "/s")
        var a = SchemaInstanceGenerator(seed: 1)
        var b = SchemaInstanceGenerator(seed: 1)
        let value = try a.generate(schema)
        #expect(SchemaValidator().validate(value, against: schema).isEmpty, "\(value.jsonString)")
        #expect(try value == b.generate(schema))
    }
}
