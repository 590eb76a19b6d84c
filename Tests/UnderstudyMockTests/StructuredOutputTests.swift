import Testing
import UnderstudyContract
@testable import UnderstudyMock

@Suite("Structured outputs and tool calls")
struct StructuredOutputTests {
    static func engine() throws -> MockEngine {
        MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), contract: try OpenAIContract.embedded(),
                                                    selfCheck: true, clock: .fixed(1_751_328_000)))
    }

    static func post(_ engine: MockEngine, _ path: String, _ json: String) throws -> JSONValue {
        let r = engine.respond(to: MockRequest(method: "POST", path: path, body: Array(json.utf8)))
        guard case .bytes(let body) = r.body else { throw StructuredTestError.streamed }
        return try JSONParser.parse(body)
    }

    enum StructuredTestError: Error { case streamed }

    static let schemas = [
        #"{"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer","minimum":1000}},"required":["city","population"],"additionalProperties":false}"#,
        ##"{"type":"object","properties":{"steps":{"type":"array","minItems":2,"items":{"$ref":"#/$defs/step"}},"final":{"type":"string"}},"required":["steps","final"],"additionalProperties":false,"$defs":{"step":{"type":"object","properties":{"explanation":{"type":"string"},"output":{"type":"string"}},"required":["explanation","output"],"additionalProperties":false}}}"##,
        #"{"type":"object","properties":{"mood":{"type":"string","enum":["happy","sad"]},"score":{"type":"number","minimum":0,"maximum":1},"code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"},"note":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["mood","score","code","note"],"additionalProperties":false}"#,
        #"{"type":"object","properties":{"kind":{"const":"event"},"tags":{"type":"array","items":{"type":"string"},"maxItems":3,"uniqueItems":true},"when":{"type":"string","format":"date-time"}},"required":["kind","tags","when"],"additionalProperties":false}"#,
    ]

    @Test("json_schema output validates against the schema it was given, in both APIs", arguments: schemas)
    func schemaOutput(schemaText: String) throws {
        let engine = try Self.engine()
        let schema = InlineSchemas().compile(try JSONParser.parse(schemaText)).schema
        let chat = try Self.post(engine, "/v1/chat/completions",
            #"{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about Lisbon"}],"response_format":{"type":"json_schema","json_schema":{"name":"out","strict":true,"schema":\#(schemaText)}}}"#)
        let content = try #require(chat["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
        #expect(SchemaValidator().validate(try JSONParser.parse(content), against: schema).isEmpty, "\(content)")
        let response = try Self.post(engine, "/v1/responses",
            #"{"model":"gpt-4o","input":"Tell me about Lisbon","text":{"format":{"type":"json_schema","name":"out","strict":true,"schema":\#(schemaText)}}}"#)
        let text = try #require(response.responseText)
        #expect(SchemaValidator().validate(try JSONParser.parse(text), against: schema).isEmpty, "\(text)")
        #expect(engine.selfCheckViolations.isEmpty, "\(engine.selfCheckViolations)")
    }

    @Test("tool-call arguments validate against the function's parameters; the stream's deltas rebuild them")
    func toolArguments() throws {
        let engine = try Self.engine()
        let parameters = Self.schemas[1]
        let request = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Plan a trip"}],"tools":[{"type":"function","function":{"name":"plan","parameters":\#(parameters)}}],"tool_choice":"required"}"#
        let body = try Self.post(engine, "/v1/chat/completions", request)
        let call = try #require(body["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first)
        let arguments = try #require(call["function"]?["arguments"]?.stringValue)
        let schema = InlineSchemas().compile(try JSONParser.parse(parameters)).schema
        #expect(SchemaValidator().validate(try JSONParser.parse(arguments), against: schema).isEmpty)

        let streamed = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions",
            body: Array(request.replacingOccurrences(of: #""tool_choice""#, with: #""stream":true,"tool_choice""#).utf8)))
        guard case .stream(let plan) = streamed.body else { Issue.record("not streamed"); return }
        var rebuilt = ""
        var deltas = 0
        for event in SSEParser.events(plan.frames.remaining().flatMap { $0 }) where event.data != "[DONE]" {
            let chunk = try JSONParser.parse(event.data)
            for part in chunk["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                #expect(part["index"] == .int(0))
                rebuilt += part["function"]?["arguments"]?.stringValue ?? ""
                deltas += 1
            }
        }
        #expect(deltas > 3)
        #expect(SchemaValidator().validate(try JSONParser.parse(rebuilt), against: schema).isEmpty, "\(rebuilt)")
        #expect(engine.selfCheckViolations.isEmpty, "\(engine.selfCheckViolations)")
    }

    @Test("a reply rule fixes the call when the tool is offered, and the reply when it is not")
    func fixtureRule() throws {
        let engine = try Self.engine()
        let tool = #"[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}]"#
        let called = try Self.post(engine, "/v1/chat/completions",
            #"{"model":"gpt-4o","tools":\#(tool),"messages":[{"role":"user","content":"What's the weather in Understudyville?"}]}"#)
        let call = called["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first
        #expect(call?["function"]?["arguments"] == .string(#"{"location":"Understudyville","unit":"celsius"}"#))
        let plain = try Self.post(engine, "/v1/chat/completions",
            #"{"model":"gpt-4o","messages":[{"role":"user","content":"What's the weather in Understudyville?"}]}"#)
        #expect(plain["choices"]?.arrayValue?.first?["message"]?["content"] == .string("It is always sunny in Understudyville."))
    }

    @Test("strict function schemas follow the live API's rules, with the field named")
    func strictFunctions() throws {
        let engine = try Self.engine()
        let error = try Self.post(engine, "/v1/responses",
            #"{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f","strict":true,"parameters":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}}]}"#)["error"]
        #expect(error?["param"] == .string("tools[0].parameters"))
        #expect(error?["message"] == .string("Invalid schema for function 'f': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'."))
        let lenient = try Self.post(engine, "/v1/responses",
            #"{"model":"gpt-4o","input":"x","tools":[{"type":"function","name":"f","strict":false,"parameters":{"type":"object","properties":{"a":{"type":"string"}}}}]}"#)
        #expect(lenient["output"]?.arrayValue?.first?["type"] == .string("function_call"))
    }

    @Test("Responses: a tool that omits strict is made strict when it can be (every property present), best effort when not")
    func strictByDefault() throws {
        let engine = try Self.engine()
        // What langchain-openai sends for bind_tools: no strict, no additionalProperties, one optional property.
        let normalised = try Self.post(engine, "/v1/responses",
            #"{"model":"gpt-4o","input":"Weather in Paris?","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}]}"#)
        let call = try #require(normalised["output"]?[0])
        #expect(call["type"] == .string("function_call"))
        let arguments = try JSONParser.parse(Array((call["arguments"]?.stringValue ?? "").utf8))
        #expect(arguments.objectValue?.keys.sorted() == ["location", "unit"])
        #expect(normalised["tools"]?[0]?["strict"] == .bool(true))
        // additionalProperties: true cannot be made strict: served best effort, never a 400.
        let open = try Self.post(engine, "/v1/responses",
            #"{"model":"gpt-4o","input":"Weather in Paris?","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":true}}]}"#)
        #expect(open["output"]?[0]?["type"] == .string("function_call"))
        #expect(open["tools"]?[0]?["strict"] == .bool(false))
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
