import Testing
@testable import UnderstudyContract

/// Compiled schemas are freed with the last reference to them, recursive ones included: the
/// server compiles a schema for each new request schema and drops it from its cache later.
/// Found by the libFuzzer `schema` and `spec` targets (LeakSanitizer).
@Suite("Compiled schemas are freed")
struct SchemaLifetimeTests {
    static let recursive: [String] = [
        ##"{"$defs":{"node":{"type":"object","properties":{"value":{"type":"number"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value"]}},"$ref":"#/$defs/node"}"##,
        ##"{"type":"object","properties":{"child":{"$ref":"#"}}}"##,
        ##"{"$recursiveAnchor":true,"type":"object","properties":{"child":{"$recursiveRef":"#"}}}"##,
        ##"{"oneOf":[{"$ref":"#/$defs/a"}],"discriminator":{"propertyName":"kind","mapping":{"a":"#/$defs/a"}},"$defs":{"a":{"type":"object","properties":{"kind":{"const":"a"},"next":{"$ref":"#"}}}}}"##,
    ]

    @Test("a recursive request schema validates while held and is freed when dropped", arguments: recursive)
    func freed(_ text: String) throws {
        weak var dropped: Schema?
        do {
            let compiled = InlineSchemas().compile(try JSONParser.parse(text))
            #expect(compiled.problems.isEmpty, "\(compiled.problems)")
            dropped = compiled.schema
            var generator = SchemaInstanceGenerator(seed: 3)
            let instance = try generator.generate(compiled.schema)
            #expect(SchemaValidator().isValid(instance, against: compiled.schema), "\(instance.jsonString)")
        }
        #expect(dropped == nil, "the compiled schema outlived every reference to it")
    }

    @Test("references between schemas handed out by one compiler hold while they are kept")
    func sharedGraph() throws {
        let document = try SpecDocument.parse(Array(##"{"A":{"type":"object","properties":{"b":{"$ref":"#/B"}}},"B":{"type":"object","properties":{"a":{"$ref":"#/A"}},"required":["a"]}}"##.utf8), file: "s.json")
        var a: Schema? = SchemaCompiler(documents: [document]).schema(file: "s.json", pointer: "/A")
        weak var held = a
        #expect(!SchemaValidator().isValid(try JSONParser.parse(#"{"b":{}}"#), against: try #require(a)))
        #expect(SchemaValidator().isValid(try JSONParser.parse(#"{"b":{"a":{}}}"#), against: try #require(a)))
        a = nil
        #expect(held == nil)
    }
}
