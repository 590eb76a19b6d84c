import UnderstudyContract

/// Structured outputs: the answer's text is JSON valid against the schema the request gave.
enum StructuredChecks {
    static let all: [ConformCheck] = [chat, responses]

    static let schemaJSON = #"""
        {"type": "object", "properties": {"city": {"type": "string"}, "population": {"type": "integer"},
         "landmarks": {"type": "array", "items": {"type": "string"}}},
         "required": ["city", "population", "landmarks"], "additionalProperties": false}
        """#

    static func findings(_ text: String?, context: ConformContext, where place: String) -> [String] {
        guard let text, !text.isEmpty else { return ["\(place): no text"] }
        guard let value = try? JSONParser.parse(text) else { return ["\(place): not JSON: \(text.prefix(120))"] }
        let schema = context.inlineSchemas.compile(try! JSONParser.parse(schemaJSON)).schema
        return SchemaValidator().validate(value, against: schema).map {
            "\(place): \(text.prefix(120)) breaks the requested schema: \($0.instancePath.isEmpty ? "" : $0.instancePath + ": ")\($0.message)"
        }
    }

    static let chat = ConformCheck(
        name: "structured.chat", suite: .structured,
        summary: "response_format json_schema (strict): the message content is JSON valid against the schema"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": [{"role": "user", "content": "Give me facts about Porto."}],
             "response_format": {"type": "json_schema", "json_schema": {"name": "city_facts", "strict": true, "schema": \#(schemaJSON)}}}
            """#))
        let problems = answer.expectSuccess()
        guard answer.isSuccess else { return problems }
        let content = answer.json?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
        return problems + findings(content, context: context, where: "content")
    }

    static let responses = ConformCheck(
        name: "structured.responses", suite: .structured,
        summary: "text.format json_schema (strict): the output text is JSON valid against the schema"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/responses", context.body(#"""
            {"input": "Give me facts about Porto.",
             "text": {"format": {"type": "json_schema", "name": "city_facts", "strict": true, "schema": \#(schemaJSON)}}}
            """#))
        let problems = answer.expectSuccess()
        guard answer.isSuccess else { return problems }
        let text = (answer.json?["output"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "message" }
            .flatMap { $0["content"]?.arrayValue ?? [] }.compactMap { $0["text"]?.stringValue }.joined()
        return problems + findings(text, context: context, where: "output_text")
    }
}
