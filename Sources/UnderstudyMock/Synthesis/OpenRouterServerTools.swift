import UnderstudyContract

/// OpenRouter's server tools in a chat request (`tools: [{type: "openrouter:web_search"}, …]`):
/// OpenRouter runs them itself and says so in `usage.server_tool_use_details`; a web search adds
/// `url_citation` annotations, streamed first, one a chunk. As its live API answered
/// (fixtures/traffic/real/openrouter/chat/pydantic-ai.jsonl, 2026-07-24 to 2026-08-14:
/// openrouter:web_search and openrouter:advisor).
public struct OpenRouterServerTools: Sendable {
    public var webSearches = 0
    public var calls = 0
    /// The web search's citations, as annotations (`{type: url_citation, url_citation: {…}}`).
    public var citations: [JSONValue] = []

    /// The server tools a request names; nil when it names none.
    static func requested(in body: JSONValue, topic: String) -> OpenRouterServerTools? {
        var tools = OpenRouterServerTools()
        for tool in body["tools"]?.arrayValue ?? [] {
            guard let type = tool["type"]?.stringValue, type.hasPrefix("openrouter:") else { continue }
            tools.calls += 1
            if type == "openrouter:web_search" {
                tools.webSearches += 1
                // Offsets 0 as recorded: OpenRouter's citations do not point into the text.
                tools.citations.append(.object(JSONObject([
                    ("type", .string("url_citation")),
                    ("url_citation", .object(JSONObject([
                        ("url", .string("https://example.com/\(Topic.slug(topic))")),
                        ("title", .string("About \(topic)")), ("start_index", .int(0)), ("end_index", .int(0)),
                        ("content", .string("A page about \(topic), as the search found it.")),
                    ]))),
                ])))
            }
        }
        return tools.calls == 0 ? nil : tools
    }

    /// `server_tool_use_details`, as the newest recording lists it (2026-08-14).
    func write(_ w: inout JSONWriter) {
        w.key("server_tool_use_details")
        w.beginObject()
        if webSearches > 0 { w.key("web_search_requests"); w.int(webSearches) }
        w.key("tool_calls_requested"); w.int(calls)
        w.key("tool_calls_executed"); w.int(calls)
        w.endObject()
    }
}
