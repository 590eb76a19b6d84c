import UnderstudyContract

/// What shape the answer must take: free text, a JSON object, JSON valid against a schema, or a
/// call to one of the client's functions.
public struct OutputSpec: Sendable {
    public enum Format: Sendable {
        case text
        case jsonObject
        case jsonSchema(name: String, schema: Schema)
    }

    public struct FunctionTool: Sendable {
        public var name: String
        public var parameters: Schema?
        public var description: String?
        /// Strict mode: the arguments carry every property. Otherwise best effort: the required
        /// ones, and optional ones some of the time.
        public var strict = false
        /// What a call names as `namespace` (Responses: a namespace's function, or one a tool
        /// search loaded; see `ToolSearch`).
        public var namespace: String?
    }

    public enum ToolChoice: Sendable, Equatable {
        case none, auto, required
        case named(String)
    }

    public var format: Format = .text
    public var tools: [FunctionTool] = []
    public var toolChoice: ToolChoice = .auto
    public var parallelToolCalls = true
    /// The tools came as the deprecated `functions` (and `function_call`): the answer is one
    /// `function_call`, not `tool_calls`.
    public var legacyFunctions = false
    /// The JSON answer goes in a ```json fenced block (a schema the prompt gave, asked for so).
    public var fenceJSON = false
    /// A call or a message (after a tool search or not), as the request's headers asked
    /// (`Trigger.replyDecision`); nil leaves it to `ReplyDecider`'s and `ToolSearch`'s rules.
    public var steering: Steering?
    var decision: Decision? { steering?.answer }

    public struct Steering: Sendable {
        public var answer: Decision
        /// Responses: a tool search first (where deferred functions wait to be loaded).
        public var search: Bool
    }
    /// The request offers hosted tools (Responses): a call to one meets `tool_choice: required`.
    public var hostedTools = false
    /// Responses' tool search: the request's search tool, whether an earlier turn searched, and
    /// the deferred functions not loaded yet (compiled, and as given), which a search may load.
    var search: ToolSearch.SearchTool?
    var searched = false
    var waiting: [(tool: FunctionTool, function: ToolSearch.Function)] = []
    /// A client-executed search tool's parameters, compiled.
    var searchParameters: Schema?

    public enum Decision: String, Sendable {
        case call, text, preamble
    }

    public init() {}

    /// Whether this spec asks for anything but free text.
    var isPlainText: Bool {
        if case .text = format, tools.isEmpty { return true }
        return false
    }
}

extension OutputSpec {
    /// Reads Chat Completions' `response_format`, `tools`, `tool_choice`, `parallel_tool_calls`.
    /// - Parameter strictRules: whether strict schemas must follow OpenAI's strict-mode rules;
    ///   OpenRouter passes other providers' requests on without them (its live API answered
    ///   strict tools with open objects for qwen and gemini models 200:
    ///   fixtures/traffic/real/openrouter/chat/pydantic-ai.jsonl).
    static func chat(_ object: JSONObject, messages: [ChatMessage], schemas: InlineSchemas,
                     strictRules: Bool = true) throws(APIError) -> OutputSpec {
        var spec = OutputSpec()
        if let format = object["response_format"], let type = format["type"]?.stringValue {
            switch type {
            case "json_object":
                try requireJSONWord(messages, param: "messages", wording: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.")
                spec.format = .jsonObject
            case "json_schema":
                let definition = format["json_schema"]
                let name = definition?["name"]?.stringValue ?? "response"
                let schema = definition?["schema"] ?? .object([:])
                if strictRules, definition?["strict"] == .bool(true) {
                    try StrictSchemaRules.check(schema, what: "response_format '\(name)'", param: "response_format")
                }
                spec.format = .jsonSchema(name: name, schema: try compile(schema, schemas, param: "response_format"))
            default:
                break
            }
        }
        for (i, tool) in (object["tools"]?.arrayValue ?? []).enumerated() {
            guard tool["type"]?.stringValue == "function", let function = tool["function"], let name = function["name"]?.stringValue else { continue }
            let parameters = function["parameters"]
            // Chat Completions keeps `strict` false when it is omitted (the function-calling
            // guide, "Strict mode").
            let strict = function["strict"] == .bool(true)
            if strict, strictRules, let parameters {
                try StrictSchemaRules.check(parameters, what: "function '\(name)'", param: "tools[\(i)].function.parameters")
            }
            spec.tools.append(FunctionTool(name: name, parameters: try parameters.map { (p) throws(APIError) in
                try compile(p, schemas, param: "tools[\(i)].function.parameters")
            }, description: function["description"]?.stringValue, strict: strict))
        }
        spec.toolChoice = try toolChoice(object["tool_choice"], named: { $0["function"]?["name"]?.stringValue }, tools: spec.tools)
        spec.parallelToolCalls = object["parallel_tool_calls"]?.boolValue ?? true
        spec.followPromptedSchema(messages, schemas: schemas)
        if spec.tools.isEmpty, let functions = object["functions"]?.arrayValue, !functions.isEmpty {
            // The deprecated form, still answered by the live API (and sent by older clients and
            // LangChain's legacy agents): one call at most, as `message.function_call`.
            for (i, function) in functions.enumerated() {
                guard let name = function["name"]?.stringValue else { continue }
                spec.tools.append(FunctionTool(name: name, parameters: try function["parameters"].map { (p) throws(APIError) in
                    try compile(p, schemas, param: "functions[\(i)].parameters")
                }, description: function["description"]?.stringValue))
            }
            spec.toolChoice = try toolChoice(object["function_call"], named: { $0["name"]?.stringValue }, tools: spec.tools)
            spec.parallelToolCalls = false
            spec.legacyFunctions = true
        }
        return spec
    }

    /// Reads the Responses API's `text.format` and flat function `tools`. A tool that says
    /// `strict: true` must meet the strict rules (else 400); one that omits `strict` is made strict
    /// when its schema can be (every property required, `additionalProperties: false`) and is
    /// called best-effort otherwise; only an explicit `strict: true` is refused. This is the live
    /// API's behaviour (OpenAI's function-calling guide, "Strict mode"), not the published
    /// document's, which says nothing of the default.
    static func responses(_ object: JSONObject, messages: [ChatMessage], schemas: InlineSchemas) throws(APIError) -> OutputSpec {
        var spec = OutputSpec()
        if let format = object["text"]?["format"], let type = format["type"]?.stringValue {
            switch type {
            case "json_object":
                try requireJSONWord(messages, param: "input", wording: "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.")
                spec.format = .jsonObject
            case "json_schema":
                let name = format["name"]?.stringValue ?? "response"
                let schema = format["schema"] ?? .object([:])
                if format["strict"] == .bool(true) {
                    try StrictSchemaRules.check(schema, what: "response_format '\(name)'", param: "text.format.schema")
                }
                spec.format = .jsonSchema(name: name, schema: try compile(schema, schemas, param: "text.format.schema"))
            default:
                break
            }
        }
        for tool in object["tools"]?.arrayValue ?? [] {
            if let type = tool["type"]?.stringValue, HostedToolPlanner.calledTypes.contains(type) { spec.hostedTools = true }
        }
        let (functions, search, searched) = ToolSearch.functions(in: object)
        (spec.search, spec.searched) = (search, searched)
        if let parameters = search?.parameters, search?.byClient == true, !parameters.isNull {
            spec.searchParameters = try compile(parameters, schemas, param: "tools.parameters")
        }
        for function in functions {
            let tool = function.tool
            guard let name = tool["name"]?.stringValue else { continue }
            let parameters = tool["parameters"]
            let strict: Bool
            switch tool["strict"]?.boolValue {
            case true?:
                if let parameters, !parameters.isNull {
                    try StrictSchemaRules.check(parameters, what: "function '\(name)'", param: function.path + ".parameters")
                }
                strict = true
            case false?:
                strict = false
            case nil:
                strict = parameters.map { $0.isNull || StrictSchemaRules.canNormalise($0) } ?? true
            }
            let compiled = FunctionTool(name: name, parameters: try parameters.flatMap { (p) throws(APIError) in
                p.isNull ? nil : try compile(p, schemas, param: function.path + ".parameters")
            }, description: tool["description"]?.stringValue, strict: strict, namespace: function.namespace)
            if function.waiting { spec.waiting.append((compiled, function)) } else { spec.tools.append(compiled) }
        }
        spec.toolChoice = try toolChoice(object["tool_choice"], named: { $0["name"]?.stringValue }, tools: spec.tools + spec.waiting.map(\.tool))
        if case .named(let name) = spec.toolChoice, let i = spec.waiting.firstIndex(where: { $0.tool.name == name }) {
            spec.tools.append(spec.waiting.remove(at: i).tool)  // a function named in tool_choice is called, loaded or not
        }
        spec.parallelToolCalls = object["parallel_tool_calls"]?.boolValue ?? true
        spec.followPromptedSchema(messages, schemas: schemas)
        return spec
    }

    private static func compile(_ schema: JSONValue, _ schemas: InlineSchemas, param: String) throws(APIError) -> Schema {
        let compiled = schemas.compile(schema)
        if let problem = compiled.problems.first {
            throw .invalidRequest("Invalid schema for \(param): \(problem)", param: param, code: "invalid_json_schema")
        }
        return compiled.schema
    }

    /// With no schema of its own and no tools, a JSON Schema in the messages' text shapes the
    /// answer, as a model would follow it; one that does not compile is ignored (never a 400).
    mutating func followPromptedSchema(_ messages: [ChatMessage], schemas: InlineSchemas) {
        let plain: Bool
        switch format {
        case .text: plain = true
        case .jsonObject: plain = false
        case .jsonSchema: return
        }
        // The format first: a request with a schema of its own never pays for the search.
        guard tools.isEmpty, let found = PromptedSchema.find(in: messages),
              let compiled = try? Self.compile(found.schema, schemas, param: "messages") else { return }
        format = .jsonSchema(name: "prompted", schema: compiled)
        fenceJSON = plain && found.fenced
    }

    private static func toolChoice(_ value: JSONValue?, named: (JSONValue) -> String?, tools: [FunctionTool]) throws(APIError) -> ToolChoice {
        guard let value, !value.isNull else { return .auto }
        switch value.stringValue {
        case "none": return .none
        case "required": return .required
        case "auto": return .auto
        default: break
        }
        guard let name = named(value) else { return .auto }
        guard tools.contains(where: { $0.name == name }) else {
            throw .invalidRequest("Invalid value for 'tool_choice': tool '\(name)' is not one of the tools provided.",
                                  param: "tool_choice", code: "invalid_value")
        }
        return .named(name)
    }

    private static func requireJSONWord(_ messages: [ChatMessage], param: String, wording: String) throws(APIError) {
        let mentions = messages.contains { $0.text.lowercased().contains("json") }
        if !mentions { throw .invalidRequest(wording, param: param, code: nil) }
    }
}

/// The live API's strict-mode rules for schemas (structured outputs and strict functions): every
/// object closes its properties (`additionalProperties: false`) and requires all of them.
enum StrictSchemaRules {
    static func check(_ schema: JSONValue, what: String, param: String) throws(APIError) {
        if let problem = problem(in: schema, context: []) {
            throw .invalidRequest("Invalid schema for \(what): \(problem)", param: param, code: "invalid_json_schema")
        }
    }

    /// Whether the API can put `schema` into strict mode by itself: closing every object and
    /// requiring every property is enough, i.e. no object allows other properties on purpose.
    static func canNormalise(_ schema: JSONValue) -> Bool {
        problem(in: normalised(schema), context: []) == nil
    }

    /// A function tool as a Response lists it back when the request left `strict` out: strict
    /// where its parameters can be made so, and then listed with the parameters made so (every
    /// such recording lists `additionalProperties: false` the request did not send: crewAI's and
    /// simonw/llm's Responses cassettes, 2025-08 to 2026-03).
    static func listedFunction(_ function: JSONObject) -> JSONObject {
        guard function["strict"] == nil || function["strict"] == .null else { return function }
        var listed = function
        let parameters = function["parameters"].flatMap { $0.isNull ? nil : $0 }
        let strict = parameters.map(canNormalise) ?? true
        listed["strict"] = .bool(strict)
        if strict, let parameters { listed["parameters"] = normalised(parameters) }
        return listed
    }

    /// `schema` with every object closed and every property required, where it does not say
    /// otherwise.
    static func normalised(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .object(var object):
            for member in object.members {
                switch member.key {
                case "properties", "$defs", "definitions":
                    if case .object(var children) = member.value {
                        for child in children.members { children[child.key] = normalised(child.value) }
                        object[member.key] = .object(children)
                    }
                case "items", "not":
                    object[member.key] = normalised(member.value)
                case "anyOf", "oneOf", "allOf":
                    if case .array(let branches) = member.value { object[member.key] = .array(branches.map(normalised)) }
                default:
                    break
                }
            }
            let isObject = object["type"] == .string("object") || object["type"]?.arrayValue?.contains(.string("object")) == true
                || object["properties"] != nil
            if isObject {
                if object["additionalProperties"] == nil { object["additionalProperties"] = .bool(false) }
                object["required"] = .array((object["properties"]?.objectValue?.keys ?? []).map(JSONValue.string))
            }
            return .object(object)
        default:
            return schema
        }
    }

    static func problem(in schema: JSONValue, context: [String]) -> String? {
        guard let object = schema.objectValue else { return nil }
        let where_ = "In context=(\(context.map { "'\($0)'" }.joined(separator: ", "))\(context.count == 1 ? "," : ""))"
        let isObject = object["type"] == .string("object") || object["type"]?.arrayValue?.contains(.string("object")) == true
            || object["properties"] != nil
        if isObject {
            if object["additionalProperties"] != .bool(false) {
                return "\(where_), 'additionalProperties' is required to be supplied and to be false."
            }
            let keys = object["properties"]?.objectValue?.keys ?? []
            let required = Set(object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if let missing = keys.first(where: { !required.contains($0) }) {
                return "\(where_), 'required' is required to be supplied and to be an array including every key in properties. Missing '\(missing)'."
            }
        }
        for member in object["properties"]?.objectValue?.members ?? [] {
            if let found = problem(in: member.value, context: context + ["properties", member.key]) { return found }
        }
        if let items = object["items"], let found = problem(in: items, context: context + ["items"]) { return found }
        for key in ["anyOf", "oneOf", "allOf"] {
            for (i, branch) in (object[key]?.arrayValue ?? []).enumerated() {
                if let found = problem(in: branch, context: context + [key, String(i)]) { return found }
            }
        }
        for key in ["$defs", "definitions"] {
            for member in object[key]?.objectValue?.members ?? [] {
                if let found = problem(in: member.value, context: context + [key, member.key]) { return found }
            }
        }
        return nil
    }
}
