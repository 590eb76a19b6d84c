import UnderstudyContract

/// The Conversations API: create (with first items and metadata), retrieve, update metadata,
/// delete; list, add, retrieve and delete items. A Responses request naming a `conversation`
/// reads its items as context and adds its input and output items to it (Responses.swift).
struct Conversations: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("POST", "conversations", "createConversation", .responses, schema: \OpenAIContract.conversation) { e, c throws(APIError) in
            try Conversations(engine: e).create(c)
        },
        RouteEntry("GET", "conversations/{id}", "getConversation", .responses, schema: \OpenAIContract.conversation) { e, c throws(APIError) in
            try Conversations(engine: e).retrieve(c.route.id)
        },
        // Its update: one route name with the retrieval.
        RouteEntry("POST", "conversations/{id}", "getConversation", .responses, schema: \OpenAIContract.conversation) { e, c throws(APIError) in
            try Conversations(engine: e).update(c.route.id, c)
        },
        RouteEntry("DELETE", "conversations/{id}", "deleteConversation", .responses, schema: \OpenAIContract.deletedConversation) { e, c throws(APIError) in
            try Conversations(engine: e).delete(c.route.id)
        },
    ]

    func create(_ context: RequestContext) throws(APIError) -> MockResponse {
        let request = context.request
        try checkContentType(request)
        // `client.conversations.create()` with no arguments sends an empty object; allow no body too.
        let body = request.body.isEmpty ? JSONValue.object(JSONObject()) : try context.jsonBody()
        let warnings = try validateRequest(body, against: \.createConversationRequest, flavor: context.flavor)
        let r = try Self.reader(body)
        let metadata = try r.metadata() ?? JSONObject()
        let given = try Self.items(r.array("items", maxCount: 20) ?? [], param: "items")
        let hash = StableHash.combine(body.canonicalHash, 0xC0)
        var ids = SplitMix64(seed: StableHash.combine(hash, configuration.seed, UInt64(try nextOccurrence(hash))))
        let id = ids.hex(48, after: "conv_")
        let entry = StoredConversation(id: id, createdAt: now(), metadata: metadata, items: EncodedItems(Self.named(given, ids: &ids)))
        guard entry.bytes <= configuration.storeByteLimit else { throw Self.conversationFull(id) }
        try state.put(entry)
        var response = json(200, Self.resource(entry))
        response.violations = warnings
        return response
    }

    func retrieve(_ id: String) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredConversation.self, id) else { throw Self.conversationNotFound(id) }
        return json(200, Self.resource(entry))
    }

    /// POST …/{id} with `{"metadata": {…}}`: the metadata replaced.
    func update(_ id: String, _ context: RequestContext) throws(APIError) -> MockResponse {
        try checkContentType(context.request)
        let body = try context.jsonBody()
        let warnings = try validateRequest(body, against: \.updateConversationRequest, flavor: context.flavor)
        guard let metadata = try Self.reader(body).metadata() else { throw .missingParameter("metadata") }
        guard let entry = try state.use(StoredConversation.self, id, change: { $0.metadata = metadata }) else { throw Self.conversationNotFound(id) }
        var response = json(200, Self.resource(entry))
        response.violations = warnings
        return response
    }

    /// Deletes the conversation (the published document: "Items in the conversation will not be
    /// deleted"; here nothing else refers to them, so they go with it).
    func delete(_ id: String) throws(APIError) -> MockResponse {
        guard try state.delete(StoredConversation.self, id) else { throw Self.conversationNotFound(id) }
        return json(200, JSONValue.object(JSONObject([
            ("id", .string(id)), ("object", .string("conversation.deleted")), ("deleted", .bool(true)),
        ])).jsonBytes)
    }

    /// Adds items (with their ids) to a conversation: 404 if it is unknown, 400 past the store's limit.
    func append(_ items: [JSONValue], toConversation id: String) throws(APIError) {
        let added = EncodedItems(items)
        let limit = configuration.storeByteLimit
        var full = false
        let entry = try state.use(StoredConversation.self, id) { entry in
            full = entry.bytes + added.bytes > limit
            if !full {
                for i in 0..<added.count { entry.items.append(text: added.texts[i], id: items[i]["id"]?.stringValue) }
            }
        }
        guard entry != nil else { throw Self.conversationNotFound(id) }
        if full { throw Self.conversationFull(id) }
    }

    /// The conversation's items as the messages a model reads (reasoning and references add nothing).
    func conversationMessages(_ id: String) throws(APIError) -> (messages: [ChatMessage], hash: UInt64) {
        guard let entry = try state.use(StoredConversation.self, id) else { throw Self.conversationNotFound(id) }
        let items = entry.items.all
        let messages = items.compactMap { item in (try? ResponsesRequest.item(item, path: "conversation"))?.1 }
        return (messages, JSONValue.array(items).canonicalHash)
    }

    /// An item as a conversation lists it: with its id, and a status where the item type has one.
    static func listed(_ item: JSONValue, id: String) -> JSONValue {
        guard var object = item.objectValue else { return item }
        if object["id"] == nil || object["id"] == .null { object = JSONObject([("id", .string(id))] + object.members.filter { $0.key != "id" }) }
        let type = object["type"]?.stringValue
        if type == "message" || type == "function_call" || type == "function_call_output", object["status"] == nil {
            object["status"] = .string("completed")
        }
        return .object(object)
    }

    /// Items for a conversation, checked and normalised as Responses input is. References name
    /// items that are already somewhere: they are not items of their own.
    static func items(_ list: [JSONValue], param: String) throws(APIError) -> [JSONValue] {
        var items: [JSONValue] = []
        for (i, item) in list.enumerated() {
            let (normalised, _) = try ResponsesRequest.item(item, path: "\(param)[\(i)]")
            if normalised["type"]?.stringValue != "item_reference" { items.append(normalised) }
        }
        return items
    }

    static func named(_ items: [JSONValue], ids: inout SplitMix64) -> [JSONValue] {
        items.map { listed($0, id: ids.hex(48, after: "msg_")) }
    }

    static func reader(_ body: JSONValue) throws(APIError) -> FieldReader {
        guard let object = body.objectValue else {
            throw .invalidRequest("The request body must be a JSON object, but got \(body.typeDescription).", code: "invalid_type")
        }
        return FieldReader(object)
    }

    static func resource(_ entry: StoredConversation) -> [UInt8] {
        JSONValue.object(JSONObject([
            ("id", .string(entry.id)), ("object", .string("conversation")), ("created_at", .int(entry.createdAt)),
            ("metadata", .object(entry.metadata)),
        ])).jsonBytes
    }

    /// Worded as the other not-found errors of the Responses API ("Response with id '…' not found.").
    static func conversationNotFound(_ id: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: nil, param: nil, message: "Conversation with id '\(id)' not found.")
    }

    static func itemNotFound(_ itemID: String, in id: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: nil, param: nil,
                 message: "Item with id '\(itemID)' not found in conversation '\(id)'.")
    }

    /// Understudy's own bound (the live API documents none): no conversation outgrows the store.
    private static func conversationFull(_ id: String) -> APIError {
        .invalidRequest("Conversation '\(id)' is full: Understudy keeps at most the store's byte limit per conversation.",
                        param: "items", code: "conversation_too_large")
    }
}
