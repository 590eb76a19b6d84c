import UnderstudyContract

/// The order and grouping of a Response's `tools`, as the live API lists them back (OpenAI's
/// flavour; read off every Responses recording in fixtures/traffic/real/openai/responses with more
/// than one kind of tool, 2025-10 to 2026-08, pydantic-ai's and vercel/ai's cassettes):
///
/// - function tools first, then the other tools in the order given (`[tool_search, function]`
///   comes back `[function, tool_search]`, `[image_generation, function]` as
///   `[function, image_generation]`), then namespaces;
/// - a function a `tool_search_output` input item loaded is listed as a namespace of its own,
///   named and described as the function, holding it without `defer_loading`; a deferred request
///   function it loaded leaves the top level;
/// - a function an `additional_tools` input item (or a search the client ran) loaded is listed the same way by gpt-5 and
///   gpt-5.4 (2026-07-30/31), and after the request's functions as a function by gpt-5.6
///   (2026-08-04/05): `LiveShape.additionalToolsAsFunctions`.
enum ResponseToolListing {
    static func ordered(_ tools: [JSONValue], inputItems: [JSONValue], additionalAsFunctions: Bool) -> [JSONValue] {
        let searched = loadedFunctions(inputItems, by: "tool_search_output", execution: "server")
        // A search the client ran loads its functions as an additional_tools item does: gpt-5.6
        // lists them as functions (2026-07-31), gpt-5.4 as namespaces (2026-05-11).
        let additional = loadedFunctions(inputItems, by: "additional_tools") + loadedFunctions(inputItems, by: "tool_search_output", execution: "client")
        let loadedNames = Set((searched + additional).compactMap { $0["name"]?.stringValue })
        var functions: [JSONValue] = []
        var others: [JSONValue] = []
        var namespaces: [JSONValue] = []
        for tool in tools {
            switch tool["type"]?.stringValue {
            case "function":
                let deferredAndLoaded = tool["defer_loading"] == .bool(true) && tool["name"]?.stringValue.map(loadedNames.contains) == true
                if !deferredAndLoaded { functions.append(tool) }
            case "namespace": namespaces.append(tool)
            default: others.append(tool)
            }
        }
        if additionalAsFunctions {
            let given = Set(functions.compactMap { $0["name"]?.stringValue })
            functions += additional.filter { !given.contains($0["name"]?.stringValue ?? "") }.map { .object(listed($0)) }
            return functions + others + namespaces + searched.map(namespace)
        }
        return functions + others + namespaces + (searched + additional).map(namespace)
    }

    /// The functions the input items of `type` list, first listing of a name kept.
    private static func loadedFunctions(_ items: [JSONValue], by type: String, execution: String? = nil) -> [JSONObject] {
        var seen = Set<String>()
        var functions: [JSONObject] = []
        for item in items where item["type"]?.stringValue == type && (execution == nil || (item["execution"]?.stringValue ?? "server") == execution) {
            for tool in item["tools"]?.arrayValue ?? [] {
                guard let function = tool.objectValue, function["type"] == .string("function"),
                      let name = function["name"]?.stringValue, seen.insert(name).inserted else { continue }
                functions.append(function)
            }
        }
        return functions
    }

    /// A loaded function as listed: strict decided, no `defer_loading`, `output_schema` null.
    private static func listed(_ function: JSONObject) -> JSONObject {
        var listed = StrictSchemaRules.listedFunction(function)
        listed["defer_loading"] = nil
        if listed["output_schema"] == nil { listed["output_schema"] = .null }
        return listed
    }

    private static func namespace(_ function: JSONObject) -> JSONValue {
        .object(JSONObject([
            ("type", .string("namespace")), ("name", function["name"] ?? .null),
            ("description", function["description"] ?? .null), ("tools", .array([.object(listed(function))])),
        ]))
    }
}
