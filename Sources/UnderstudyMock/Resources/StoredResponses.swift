import UnderstudyContract

/// Stored responses: retrieve (a background one moves on as it is polled, and streams again from
/// a sequence number), delete, cancel, list input items.
struct StoredResponses: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("GET", "responses/{id}", "getResponse", .responses,
                   schema: \OpenAIContract.response, events: \OpenAIContract.responseEvent) { e, c throws(APIError) in
            try StoredResponses(engine: e).retrieve(c.route.id, query: c.request.query)
        },
        RouteEntry("DELETE", "responses/{id}", "deleteResponse", .responses, schema: \OpenAIContract.deletedResponse) { e, c throws(APIError) in
            try StoredResponses(engine: e).delete(c.route.id)
        },
        RouteEntry("GET", "responses/{id}/input_items", "listInputItems", .responses,
                   schema: \OpenAIContract.responseItemList) { e, c throws(APIError) in
            try StoredResponses(engine: e).listInputItems(c.route.id, query: c.request.query)
        },
        RouteEntry("POST", "responses/{id}/cancel", "cancelResponse", .responses,
                   schema: \OpenAIContract.response, events: \OpenAIContract.responseEvent) { e, c throws(APIError) in
            try StoredResponses(engine: e).cancel(c.route.id)
        },
    ]

    static func notFound(_ id: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: nil, param: nil, message: "Response with id '\(id)' not found.")
    }

    func retrieve(_ id: String, query: String?) throws(APIError) -> MockResponse {
        let q = QueryParameters(query)
        if q["stream"] == "true" { return try resumeStream(id, startingAfter: q.integer("starting_after", in: -1...Int(Int32.max))) }
        // A background response moves on each time it is looked at: in_progress, then done.
        guard let entry = try state.use(StoredResponse.self, id, change: { $0.polls += 1 }) else { throw Self.notFound(id) }
        var plan = entry.plan
        if plan.request.background && plan.status != "cancelled" && entry.polls < 2 { plan.status = "in_progress" }
        return json(200, ResponsesEncoder.json(plan))
    }

    /// The events of a background response after `startingAfter` (a sequence number), as the
    /// live API replays them to a client that lost its stream.
    private func resumeStream(_ id: String, startingAfter: Int?) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredResponse.self, id) else { throw Self.notFound(id) }
        guard entry.plan.request.background else {
            throw .invalidRequest("Only responses created with background=true can be streamed again.", param: "stream", code: nil)
        }
        let frames = ResponsesStreamEncoder.frames(entry.plan)
        // Frame i carries sequence_number i.
        let first = min(frames.count, (startingAfter ?? -1) + 1)
        let headers: [(name: String, value: String)] = [("content-type", "text/event-stream; charset=utf-8"), ("openai-version", "2020-10-01")]
        return MockResponse(status: 200, headers: headers, body: .stream(StreamPlan(
            frames: Array(frames[first...]), intervalNanoseconds: configuration.streamIntervalNanoseconds)))
    }

    func delete(_ id: String) throws(APIError) -> MockResponse {
        guard try state.delete(StoredResponse.self, id) else { throw Self.notFound(id) }
        var w = JSONWriter(capacity: 96)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("object"); w.string("response")
        w.key("deleted"); w.bool(true)
        w.endObject()
        return json(200, w.bytes)
    }

    func cancel(_ id: String) throws(APIError) -> MockResponse {
        guard let before = try state.use(StoredResponse.self, id) else { throw Self.notFound(id) }
        guard before.plan.request.background else {
            throw .invalidRequest("Only responses created with background=true can be cancelled.", param: nil, code: nil)
        }
        let entry = try state.use(StoredResponse.self, id) { entry in
            if entry.polls < 2 { entry.plan.status = "cancelled" }
        }
        return json(200, ResponsesEncoder.json(entry?.plan ?? before.plan))
    }

    func listInputItems(_ id: String, query: String?) throws(APIError) -> MockResponse {
        guard let entry = try state.use(StoredResponse.self, id) else { throw Self.notFound(id) }
        let q = QueryParameters(query)
        let (limit, order) = try q.page(defaultOrder: "desc")
        return listPage(EncodedItems(entry.inputItems), order: order, after: q["after"], limit: limit)
    }}
