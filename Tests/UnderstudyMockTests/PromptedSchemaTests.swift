import Testing
@testable import UnderstudyMock

@Suite("Prompted schemas")
struct PromptedSchemaTests {
    @Test("a message mentions a schema exactly when its lowercased text contains \"schema\"", arguments: [
        "", "schem", "schema", "SCHEMA", "json_schema:", "the Schemas below", "sChEmA", "ſchema", "ſchema", "scheme a",
        "Ｓｃｈｅｍａ", "İschema", "a \u{212A} schema", "über das Schéma", "s c h e m a", "xxschemaxx", "schem\u{0301}a",
    ])
    func mentions(text: String) {
        #expect(PromptedSchema.mentionsSchema(text) == text.lowercased().contains("schema"), "\(text)")
    }
}
