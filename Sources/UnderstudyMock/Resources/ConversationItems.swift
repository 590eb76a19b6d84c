import UnderstudyContract

/// A conversation's items: list (newest first by default), add, retrieve, delete.
struct ConversationItems: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("GET", "conversations/{id}/items", "listConversationItems", .responses,
                   schema: \OpenAIContract.conversationItemList) { e, c throws(APIError) in
            try ConversationItems(engine: e).list(c.route.id, query: c.request.query)
        },
        // Adding items: one route name with the list.
        RouteEntry("POST", "conversations/{id}/items", "listConversationItems", .responses,
                   schema: \OpenAIContract.conversationItemList) { e, c throws(APIError) in
            try ConversationItems(engine: e).add(c.route.id, c)
        },
        RouteEntry("GET", "conversations/{id}/items/{item_id}", "getConversationItem", .responses,
                   schema: \OpenAIContract.conversationItem) { e, c throws(APIError) in
            try ConversationItems(engine: e).retrieve(c.route.id, itemID: c.route.itemID)
        },
        RouteEntry("DELETE", "conversations/{id}/items/{item_id}", "deleteConversationItem", .responses,
                   schema: \OpenAIContract.conversation) { e, c throws(APIError) in
            try ConversationItems(engine: e).delete(c.route.id, itemID: c.route.itemID)
        },
    ]

    /// GET …/{id}/items: newest first by default, as the published document says. `include` asks
    /// for data (sources, image urls, logprobs) the mock's items do not have: accepted, no effect.
    func list(_ id: String, query: String?) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredConversation.self, id) else { throw Conversations.conversationNotFound(id) }
        let q = QueryParameters(query)
        let (limit, order) = try q.page(defaultOrder: "desc")
        return listPage(entry.items, order: order, after: q["after"], limit: limit)
    }

    /// POST …/{id}/items: the items added, as a list in the order given.
    func add(_ id: String, _ context: RequestContext) throws(APIError) -> MockResponse {
        try checkContentType(context.request)
        let body = try context.jsonBody()
        let warnings = try validateRequest(body, against: \.createConversationItemsRequest, flavor: context.flavor)
        guard let list = try Conversations.reader(body).array("items", maxCount: 20) else { throw .missingParameter("items") }
        let given = try Conversations.items(list, param: "items")
        let hash = StableHash.combine(body.canonicalHash, StableHash.hash(id), 0x17E)
        var ids = SplitMix64(seed: StableHash.combine(hash, configuration.seed, UInt64(try nextOccurrence(hash))))
        let items = Conversations.named(given, ids: &ids)
        try Conversations(engine: engine).append(items, toConversation: id)
        var response = listPage(EncodedItems(items), order: "asc", after: nil, limit: items.count)
        response.violations = warnings
        return response
    }

    func retrieve(_ id: String, itemID: String) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredConversation.self, id) else { throw Conversations.conversationNotFound(id) }
        guard let index = entry.items.index(of: itemID) else { throw Conversations.itemNotFound(itemID, in: id) }
        return json(200, entry.items.texts[index])
    }

    /// DELETE …/{id}/items/{item_id}: answers with the conversation, as the published document says.
    func delete(_ id: String, itemID: String) throws(APIError) -> MockResponse {
        var found = false
        let entry = try state.use(StoredConversation.self, id) { entry in
            found = false
            guard let index = entry.items.index(of: itemID) else { return }
            entry.items.remove(at: index)
            found = true
        }
        guard let entry else { throw Conversations.conversationNotFound(id) }
        guard found else { throw Conversations.itemNotFound(itemID, in: id) }
        return json(200, Conversations.resource(entry))
    }
}
