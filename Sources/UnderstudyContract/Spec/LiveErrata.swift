/// Where the published OpenAI document says otherwise than the live API does, the document is
/// read as the live API does (the live API is the reference). Each erratum names the schema it
/// corrects, what the live API does, and where that was recorded. They apply to a document given
/// with `--spec` to `serve` and `validate`; `spec lint`, `spec diff` and `spec check` read a
/// document as written. An erratum whose schema the document lacks, or has in another shape,
/// changes nothing, so any other document passes through unchanged. docs/dialect.md lists them.
public enum LiveErrata {
    public struct Erratum: Sendable {
        /// Keys from the document's root to the schema or member corrected.
        public var location: [String]
        public var change: Change
        public var because: String
    }

    public enum Change: Sendable, Equatable {
        /// The member leaves the schema's `required`.
        case notRequired(String)
        /// No `minItems` on the schema's array branches.
        case emptyArrayAllowed
        /// A string is taken where the schema wants an array.
        case alsoString
        /// The status's `text/event-stream` has the `application/json` schema: each event is one.
        case streamsItsJSONSchema
        /// The status's `text/event-stream` is that of another operation's status (the keys from
        /// the root to its `content`).
        case streamsAs([String])
        /// The schema's `oneOf` takes one more branch.
        case alsoBranch(JSONValue)
        /// null is taken too.
        case nullable
    }

    public static let all: [Erratum] = [
        Erratum(location: ["components", "schemas", "InputImageContent"], change: .notRequired("detail"),
                because: "the live API takes an `input_image` without `detail` (as `auto`): 8 recorded Responses requests answered 200 "
                    + "(fixtures/traffic/real/openai/responses/crewAI.jsonl, 2026)"),
        Erratum(location: ["components", "schemas", "StopConfiguration"], change: .emptyArrayAllowed,
                because: "the live API takes `stop: []`: 11 recorded chat requests answered 200 (fixtures/traffic/real/openai/chat/crewAI.jsonl)"),
        Erratum(location: ["components", "schemas", "Embedding", "properties", "embedding"], change: .alsoString,
                because: "asked `encoding_format: base64` (the openai SDK's default), the live API sends each vector as a base64 string: "
                    + "every recorded embeddings answer of fixtures/traffic/real/openai/embeddings (crewAI, openinference, openllmetry)"),
        Erratum(location: ["components", "schemas", "WebSearchToolCall"], change: .notRequired("action"),
                because: "the live API's `response.output_item.added` of a web search call has no `action` yet (`done` has it): "
                    + "fixtures/traffic/real/openai/responses/ai.jsonl, 5 streams"),
        Erratum(location: ["paths", "/completions", "post", "responses", "200", "content"], change: .streamsItsJSONSchema,
                because: "asked `stream: true`, the live legacy completions endpoint streams its `text_completion` objects as server-sent "
                    + "events; the document declares JSON only (fixtures/traffic/real/openai/completions: openllmetry, vercel/ai)"),
        Erratum(location: ["components", "schemas", "CreateCompletionResponse", "properties", "choices", "items", "properties", "finish_reason"],
                change: .nullable,
                because: "each streamed `text_completion` but the last has `finish_reason: null` (openllmetry's legacy completion streams, 2024)"),
        Erratum(location: ["paths", "/responses/{response_id}", "get", "responses", "200", "content"],
                change: .streamsAs(["paths", "/responses", "post", "responses", "200", "content"]),
                because: "`GET /responses/{id}?stream=true` replays the response's events, as `POST /responses` streams them "
                    + "(fixtures/traffic/real/openai/responses/pydantic-ai.jsonl, a background response, 2026-02)"),
        Erratum(location: ["components", "schemas", "OutputTextContent"], change: .notRequired("logprobs"),
                because: "the SDK declares it optional (openai/types/responses/response_output_text.py `logprobs: Optional[...] = None`); "
                    + "the live API takes an assistant message sent back without it (13 recorded Responses requests, pydantic-ai) "
                    + "and sent none before 2025-06 (pydantic-ai's recordings to 2025-06-10; every one from 2025-06-28 has it)"),
        Erratum(location: ["components", "schemas", "EasyInputMessage", "properties", "content"],
                change: .alsoBranch(.object(["type": .string("array"), "items": .object(["anyOf": .array([
                    .object(["$ref": .string("#/components/schemas/InputContent")]),
                    // Without `annotations`, which OutputTextContent requires.
                    .object(["type": .string("object"), "required": .array([.string("type"), .string("text")]), "properties": .object([
                        "type": .object(["type": .string("string"), "enum": .array([.string("output_text")])]),
                        "text": .object(["type": .string("string")]),
                        "annotations": .object(["type": .string("array")]),
                    ])]),
                    .object(["$ref": .string("#/components/schemas/RefusalContent")]),
                ])])])),
                because: "the live API takes an assistant message of `output_text` parts without an id, a status or annotations "
                    + "(fixtures/traffic/real/openai/responses/openllmetry.jsonl: the Agents SDK's and a chat history's, 2025-08 to 2026-03)"),
    ]

    public static func apply(to document: SpecDocument) -> SpecDocument {
        var corrected = document
        for erratum in all {
            let root = corrected.root
            corrected.root = apply(erratum, to: root, at: erratum.location[...]) { change($0, $1, root: root) }
        }
        return corrected
    }

    private static func apply(_ erratum: Erratum, to node: JSONValue, at location: ArraySlice<String>,
                              _ change: (Change, JSONObject) -> JSONValue) -> JSONValue {
        guard var object = node.objectValue else { return node }
        guard let key = location.first else { return change(erratum.change, object) }
        guard let child = object[key] else { return node }
        object[key] = apply(erratum, to: child, at: location.dropFirst(), change)
        return .object(object)
    }

    private static func value(at location: [String], in root: JSONValue) -> JSONValue? {
        location.reduce(Optional(root)) { node, key in node?.objectValue?[key] }
    }

    private static func change(_ change: Change, _ schema: JSONObject, root: JSONValue) -> JSONValue {
        var schema = schema
        switch change {
        case .notRequired(let name):
            if let required = schema["required"]?.arrayValue {
                schema["required"] = .array(required.filter { $0.stringValue != name })
            }
        case .emptyArrayAllowed:
            schema["minItems"] = nil
            for keyword in ["oneOf", "anyOf"] {
                guard let branches = schema[keyword]?.arrayValue else { continue }
                schema[keyword] = .array(branches.map { branch in
                    guard var object = branch.objectValue, object["type"]?.stringValue == "array" else { return branch }
                    object["minItems"] = nil
                    return .object(object)
                })
            }
        case .alsoString:
            guard schema["type"]?.stringValue == "array" else { return .object(schema) }
            return .object(["anyOf": .array([.object(schema), .object(["type": .string("string")])])])
        case .streamsItsJSONSchema:
            if schema["text/event-stream"] == nil, let json = schema["application/json"] { schema["text/event-stream"] = json }
        case .streamsAs(let other):
            if schema["text/event-stream"] == nil, let stream = value(at: other + ["text/event-stream"], in: root) {
                schema["text/event-stream"] = stream
            }
        case .alsoBranch(let branch):
            guard let branches = schema["oneOf"]?.arrayValue else { return .object(schema) }
            schema["oneOf"] = .array(branches + [branch])
        case .nullable:
            schema["nullable"] = .bool(true)
        }
        return .object(schema)
    }
}
