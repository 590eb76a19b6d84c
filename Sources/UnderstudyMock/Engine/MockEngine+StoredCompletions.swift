import UnderstudyContract

/// Stored chat completions (`store: true`): list (filtered by model and metadata, paged by
/// `after`/`limit`/`order`), retrieve, update metadata, delete, and list the request's messages.
extension MockEngine {
    /// Keeps a completion the request asked to store, with its request messages.
    func storeCompletion(_ completion: [UInt8], body: JSONValue, created: Int64) throws(APIError) {
        guard let value = try? JSONParser.parse(completion), let id = value["id"]?.stringValue else { return }
        let messages = (body["messages"]?.arrayValue ?? []).enumerated().map { i, message in
            Self.storedMessage(message, id: "\(id)-\(i)")
        }
        try state.put(StoredChatCompletion(
            id: id, created: created, model: value["model"]?.stringValue ?? "", metadata: body["metadata"]?.objectValue ?? JSONObject(),
            completion: value, messages: messages))
    }

    /// A request message as the messages list shows it: text content as a string, and the parts
    /// when the content was a list of parts.
    private static func storedMessage(_ message: JSONValue, id: String) -> JSONValue {
        var object = JSONObject([("id", .string(id)), ("role", message["role"] ?? .string("user"))])
        switch message["content"] {
        case .array(let parts)?:
            let text = parts.compactMap { $0["type"] == .string("text") ? $0["text"]?.stringValue : nil }.joined(separator: "\n")
            object["content"] = .string(text)
            object["content_parts"] = .array(parts.filter { $0["type"] == .string("text") || $0["type"] == .string("image_url") })
        case let content?:
            object["content"] = content
            object["content_parts"] = .null
        case nil:
            object["content"] = .null
            object["content_parts"] = .null
        }
        if let name = message["name"] { object["name"] = name }
        return .object(object)
    }

    func listStoredCompletions(query: String?) throws(APIError) -> MockResponse {
        let q = QueryParameters(query)
        let (limit, order) = try q.page(defaultOrder: "asc")
        let filters = q.all.compactMap { name, value -> (String, String)? in
            guard name.hasPrefix("metadata["), name.hasSuffix("]") else { return nil }
            return (String(name.dropFirst(9).dropLast()), value)
        }
        let entries = try state.all(StoredChatCompletion.self).filter { entry in
            (q["model"].map { entry.model == $0 || entry.model.hasPrefix($0 + "-") } ?? true)
                && filters.allSatisfy { entry.metadata[$0.0]?.stringValue == $0.1 }
        }
        return listPage(entries.map(\.completion), order: order, after: q["after"], limit: limit)
    }

    func retrieveStoredCompletion(_ id: String) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredChatCompletion.self, id) else { throw Self.completionNotFound(id) }
        return json(200, entry.completion.jsonBytes)
    }

    /// POST …/{id} with `{"metadata": {…}}`: the only thing a stored completion lets you change.
    func updateStoredCompletion(_ id: String, _ request: MockRequest) throws(APIError) -> MockResponse {
        let body = try jsonBody(request)
        guard let metadata = body["metadata"], metadata.isNull || metadata.objectValue != nil else {
            throw .invalidRequest("Missing required parameter: 'metadata'.", param: "metadata", code: "missing_required_parameter")
        }
        guard let entry = try state.use(StoredChatCompletion.self, id, change: { $0.metadata = metadata.objectValue ?? JSONObject() }) else {
            throw Self.completionNotFound(id)
        }
        return json(200, entry.completion.jsonBytes)
    }

    func deleteStoredCompletion(_ id: String) throws(APIError) -> MockResponse {
        guard try state.delete(StoredChatCompletion.self, id) else { throw Self.completionNotFound(id) }
        return json(200, JSONValue.object(["object": .string("chat.completion.deleted"), "id": .string(id), "deleted": .bool(true)]).jsonBytes)
    }

    func listStoredMessages(_ id: String, query: String?) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredChatCompletion.self, id) else { throw Self.completionNotFound(id) }
        let q = QueryParameters(query)
        let (limit, order) = try q.page(defaultOrder: "asc")
        return listPage(entry.messages, order: order, after: q["after"], limit: limit)
    }

    /// `{object: list, data, first_id, last_id, has_more}`: `items` (oldest first) in `order`,
    /// after the one whose `id` is `after`, the first `limit` of them.
    func listPage(_ items: [JSONValue], order: String, after: String?, limit: Int) -> MockResponse {
        var items = order == "desc" ? Array(items.reversed()) : items
        if let after, let index = items.firstIndex(where: { $0["id"]?.stringValue == after }) {
            items = Array(items[(index + 1)...])
        }
        let total = items.count
        let page = Array(items.prefix(limit))
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data"); w.value(.array(page))
        w.key("first_id"); w.string(page.first?["id"]?.stringValue)
        w.key("last_id"); w.string(page.last?["id"]?.stringValue)
        w.key("has_more"); w.bool(total > page.count)
        w.endObject()
        return json(200, w.bytes)
    }

    static func completionNotFound(_ id: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: nil, param: nil,
                 message: "No chat completion found with id '\(id)'.")
    }
}
