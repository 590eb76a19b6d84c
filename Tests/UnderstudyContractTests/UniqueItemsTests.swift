import Testing
import UnderstudyContract

/// Issue 21, item 9: `uniqueItems` compared every pair (10,000 small objects: 50 million
/// comparisons, 2–2.8 s of CPU per 400-byte request). One pass over a hash of each item now: the
/// 100,000 items here were 5 billion comparisons, minutes past the time limit.
@Suite("uniqueItems in one pass", .timeLimit(.minutes(1)))
struct UniqueItemsTests {
    static let schema = InlineSchemas().compile(try! JSONParser.parse(#"{"type":"array","uniqueItems":true}"#)).schema

    static func objects(_ count: Int) -> [JSONValue] {
        (0..<count).map { .object(["id": .int(Int64($0)), "kind": .string("item")]) }
    }

    @Test("100,000 distinct small objects: valid")
    func distinct() {
        #expect(SchemaValidator().validate(.array(Self.objects(100_000)), against: Self.schema).isEmpty)
    }

    @Test("the first repeat is named, by JSON equality: 1 equals 1.0, key order does not matter")
    func repeats() throws {
        var items = Self.objects(100_000)
        items.append(try JSONParser.parse(#"{"kind":"item","id":41.0}"#))
        let findings = SchemaValidator().validate(.array(items), against: Self.schema)
        #expect(findings.map(\.message) == ["items 41 and 100000 are equal"])
        let unequal: JSONValue = .array([.int(1), .string("1"), .double(1.5), .object(["a": .int(1)]), .object(["a": .int(2)]), .array([.int(1)])])
        #expect(SchemaValidator().validate(unequal, against: Self.schema).isEmpty)
        #expect(!SchemaValidator().validate(.array([.array([.int(1), .int(2)]), .array([.double(1), .double(2)])]), against: Self.schema).isEmpty)
    }
}
