import UnderstudyContract

/// Tool search in the Responses API: functions a request defers (`defer_loading: true`, at the
/// top level or inside a `namespace` tool) cannot be called until a search loads them. With a
/// `tool_search` tool the model searches first, as the live API does (pydantic-ai's cassettes
/// test_openai_responses_tool_search*, 2026-03 to 2026-08, fixtures/traffic/real/openai/responses):
///
/// - executed by the server (the default): on a turn that starts from the user, with deferred
///   functions not loaded yet, the output opens with a `tool_search_call` (`arguments:
///   {paths: [NAME]}`, `call_id: null`) and a `tool_search_output` listing what it loaded; the
///   loaded functions can be called in the same turn;
/// - executed by the client (`execution: client`, with its own `parameters`): the turn is one
///   `tool_search_call` whose arguments follow those parameters; the client answers with a
///   `tool_search_output` item and the next turn goes on from there.
///
/// A function loaded by a search is called with `namespace` set: its namespace tool's name, or
/// its own name at the top level. A function an `additional_tools` input item brings is callable
/// without one (gpt-5.6, 2026-08).
enum ToolSearch {
    /// One function the request offers, and where it stands.
    struct Function {
        var tool: JSONValue
        /// Where its parameters are in the request (`tools[2].tools[0]`), for error messages.
        var path: String
        /// What a call of it names as `namespace`.
        var namespace: String?
        /// Deferred and not loaded yet: a search must load it before it is called.
        var waiting: Bool
        /// The namespace tool it sits in (its name and description), for a search's output.
        var enclosing: (name: String, description: JSONValue)?
    }

    /// The request's `tool_search` tool, if it offers one.
    struct SearchTool {
        var byClient: Bool
        var parameters: JSONValue?
    }

    /// Every function the request offers (top level, namespaces, `additional_tools` items), the
    /// search tool, and whether an earlier turn already searched (a `tool_search_output` item).
    static func functions(in body: JSONObject) -> (functions: [Function], search: SearchTool?, searched: Bool) {
        let items = body["input"]?.arrayValue ?? []
        var loaded = Set<String>()
        var searched = false
        for item in items where item["type"]?.stringValue == "tool_search_output" {
            searched = true
            for tool in item["tools"]?.arrayValue ?? [] {
                if let name = tool["name"]?.stringValue { loaded.insert(name) }
                for inner in tool["tools"]?.arrayValue ?? [] { if let name = inner["name"]?.stringValue { loaded.insert(name) } }
            }
        }
        var functions: [Function] = []
        var search: SearchTool?
        let tools = body["tools"]?.arrayValue ?? []
        // Without a search tool nothing could load a deferred function: it is callable as given.
        let searchable = tools.contains { $0["type"]?.stringValue == "tool_search" }
        for (i, tool) in tools.enumerated() {
            switch tool["type"]?.stringValue {
            case "function":
                guard let name = tool["name"]?.stringValue else { continue }
                let deferred = searchable && tool["defer_loading"] == .bool(true)
                functions.append(Function(tool: tool, path: "tools[\(i)]", namespace: deferred ? name : nil,
                                          waiting: deferred && !loaded.contains(name)))
            case "namespace":
                guard let space = tool["name"]?.stringValue else { continue }
                for (j, inner) in (tool["tools"]?.arrayValue ?? []).enumerated() where inner["type"]?.stringValue == "function" {
                    guard let name = inner["name"]?.stringValue else { continue }
                    let deferred = searchable && inner["defer_loading"] == .bool(true)
                    functions.append(Function(tool: inner, path: "tools[\(i)].tools[\(j)]", namespace: space,
                                              waiting: deferred && !loaded.contains(name) && !loaded.contains(space),
                                              enclosing: (space, tool["description"] ?? .null)))
                }
            case "tool_search":
                search = SearchTool(byClient: tool["execution"]?.stringValue == "client", parameters: tool["parameters"])
            default:
                continue
            }
        }
        for (i, item) in items.enumerated() where item["type"]?.stringValue == "additional_tools" {
            for (j, tool) in (item["tools"]?.arrayValue ?? []).enumerated() where tool["type"]?.stringValue == "function" {
                guard let name = tool["name"]?.stringValue, !functions.contains(where: { $0.tool["name"]?.stringValue == name }) else { continue }
                functions.append(Function(tool: tool, path: "input[\(i)].tools[\(j)]", namespace: nil, waiting: false))
            }
        }
        return (functions, search, searched)
    }

    /// What a server-side search loads: the waiting function the prompt matches best (the first
    /// on a tie), listed as the live API lists it, inside its namespace tool if it has one.
    static func load(_ waiting: [Function], prompt: String) -> (path: String, listed: JSONValue, function: Function)? {
        let words = Set(ReplyDecider.Hints.words(prompt))
        var best: (score: Int, index: Int)?
        for (i, f) in waiting.enumerated() {
            let text = (f.tool["name"]?.stringValue ?? "").replacing("_", with: " ") + " " + (f.tool["description"]?.stringValue ?? "")
            let score = ReplyDecider.Hints.words(text).filter(words.contains).count
            if best == nil || score > best!.score { best = (score, i) }
        }
        guard let best else { return nil }
        let function = waiting[best.index]
        // As the live output lists it: type and defer_loading first, output_schema null (2026-07).
        var listed = JSONObject([("type", .string("function")), ("defer_loading", .bool(true))])
        for (key, value) in function.tool.objectValue?.members ?? [] where key != "type" && key != "defer_loading" { listed[key] = value }
        if listed["output_schema"] == nil { listed["output_schema"] = .null }
        guard let space = function.enclosing else { return (function.namespace ?? "", .object(listed), function) }
        return (space.name, .object(JSONObject([("type", .string("namespace")), ("name", .string(space.name)),
                                                ("description", space.description), ("tools", .array([.object(listed)]))])), function)
    }

    /// The two items of a server-side search.
    static func serverItems(path: String, listed: JSONValue, ids: inout SplitMix64) -> [HostedCall] {
        [HostedCall(kind: .toolSearchCall, item: JSONObject([
            ("id", .string(ids.hex(48, after: "tsc_"))), ("type", .string("tool_search_call")), ("status", .string("completed")),
            ("arguments", .object(["paths": .array([.string(path)])])), ("call_id", .null), ("execution", .string("server")),
         ])),
         HostedCall(kind: .toolSearchOutput, item: JSONObject([
            ("id", .string(ids.hex(48, after: "tso_"))), ("type", .string("tool_search_output")), ("status", .string("completed")),
            ("call_id", .null), ("execution", .string("server")), ("tools", .array([listed])),
         ]))]
    }

    /// The one item of a client-side search: the client runs it with these arguments.
    static func clientItem(arguments: JSONValue, ids: inout SplitMix64) -> HostedCall {
        HostedCall(kind: .toolSearchCall, item: JSONObject([
            ("id", .string(ids.hex(48, after: "tsc_"))), ("type", .string("tool_search_call")), ("status", .string("completed")),
            ("arguments", arguments), ("call_id", .string(ids.base62(24, after: "call_"))), ("execution", .string("client")),
        ]))
    }

    /// A client-side search's arguments: an instance of its parameters, with the prompt for
    /// query-like properties (a search tool without parameters gets none).
    static func clientArguments(_ parameters: Schema?, prompt: String, seed: UInt64) -> JSONValue {
        guard let parameters else { return .object([:]) }
        var generator = SchemaInstanceGenerator(seed: seed, text: ReplyDecider.Hints(prompt: prompt).text)
        return (try? generator.generate(parameters)) ?? .object([:])
    }
}
