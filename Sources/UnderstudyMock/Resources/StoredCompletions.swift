import UnderstudyContract

/// Stored chat completions (`store: true`): list (filtered by model and metadata, paged by
/// `after`/`limit`/`order`), retrieve, update metadata, delete, and list the request's messages.
struct StoredCompletions: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("GET", "chat/completions", "listChatCompletions", .chat, schema: \OpenAIContract.chatCompletionList) { e, c throws(APIError) in
            try StoredCompletions(engine: e).list(query: c.request.query)
        },
        RouteEntry("GET", "chat/completions/{id}", "getChatCompletion", .chat, schema: \OpenAIContract.chatResponse) { e, c throws(APIError) in
            try StoredCompletions(engine: e).retrieve(c.route.id)
        },
        // Its update: one route name with the retrieval.
        RouteEntry("POST", "chat/completions/{id}", "getChatCompletion", .chat, schema: \OpenAIContract.chatResponse) { e, c throws(APIError) in
            try StoredCompletions(engine: e).update(c.route.id, c)
        },
        RouteEntry("DELETE", "chat/completions/{id}", "deleteChatCompletion", .chat, schema: \OpenAIContract.chatCompletionDeleted) { e, c throws(APIError) in
            try StoredCompletions(engine: e).delete(c.route.id)
        },
        RouteEntry("GET", "chat/completions/{id}/messages", "getChatCompletionMessages", .chat,
                   schema: \OpenAIContract.chatCompletionMessageList) { e, c throws(APIError) in
            try StoredCompletions(engine: e).listMessages(c.route.id, query: c.request.query)
        },
    ]

    /// Keeps a completion the request asked to store, with its request messages.
    func storeCompletion(_ completion: [UInt8], plan: ChatPlan, body: JSONValue, created: Int64) throws(APIError) {
        var messages = EncodedItems()
        for (i, message) in (body["messages"]?.arrayValue ?? []).enumerated() {
            messages.append(Self.storedMessage(message, id: "\(plan.id)-\(i)"))
        }
        // The request's metadata was checked when it was decoded.
        try state.put(StoredChatCompletion(
            id: plan.id, created: created, model: plan.model, metadata: body["metadata"]?.objectValue ?? JSONObject(),
            completion: completion, messages: messages))
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

    func list(query: String?) throws(APIError) -> MockResponse {
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
        var completions = EncodedItems()
        for entry in entries { completions.append(text: entry.object, id: entry.id) }
        return listPage(completions, order: order, after: q["after"], limit: limit)
    }

    func retrieve(_ id: String) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredChatCompletion.self, id) else { throw Self.completionNotFound(id) }
        return json(200, entry.object)
    }

    /// POST …/{id} with `{"metadata": {…}}`: the only thing a stored completion lets you change.
    func update(_ id: String, _ context: RequestContext) throws(APIError) -> MockResponse {
        let body = try context.jsonBody()
        guard let object = body.objectValue, let given = object["metadata"] else { throw .missingParameter("metadata") }
        // `null` clears it; anything else is checked as on create.
        let metadata = try given.isNull ? JSONObject() : FieldReader(object).metadata() ?? JSONObject()
        guard let entry = try state.use(StoredChatCompletion.self, id, change: { $0.metadata = metadata }) else {
            throw Self.completionNotFound(id)
        }
        return json(200, entry.object)
    }

    func delete(_ id: String) throws(APIError) -> MockResponse {
        guard try state.delete(StoredChatCompletion.self, id) else { throw Self.completionNotFound(id) }
        return json(200, JSONValue.object(["object": .string("chat.completion.deleted"), "id": .string(id), "deleted": .bool(true)]).jsonBytes)
    }

    func listMessages(_ id: String, query: String?) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredChatCompletion.self, id) else { throw Self.completionNotFound(id) }
        let q = QueryParameters(query)
        let (limit, order) = try q.page(defaultOrder: "asc")
        return listPage(entry.messages, order: order, after: q["after"], limit: limit)
    }

    static func completionNotFound(_ id: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: nil, param: nil,
                 message: "No chat completion found with id '\(id)'.")
    }
}
