import UnderstudyContract

/// The Responses API's tools beside create: counting a request's input tokens, and compacting a
/// conversation.
struct ResponseTools: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("POST", "responses/input_tokens", "getInputTokenCounts", .responses, schema: \OpenAIContract.inputTokens) { e, c throws(APIError) in
            try ResponseTools(engine: e).countInputTokens(c)
        },
        RouteEntry("POST", "responses/compact", "compactResponse", .responses, schema: \OpenAIContract.compactedResponse) { e, c throws(APIError) in
            try ResponseTools(engine: e).compact(c)
        },
    ]

    /// POST /v1/responses/input_tokens: what creating this response would bill as input, by the
    /// same estimator (instructions, the input, tools' text, and a `previous_response_id` chain or
    /// a conversation's items).
    func countInputTokens(_ context: RequestContext) throws(APIError) -> MockResponse {
        try checkContentType(context.request)
        var body = try context.jsonBody()
        // The model is optional here; count as for the default model.
        if body["model"] == nil || body["model"] == .null, case .object(var object) = body {
            object["model"] = .string("gpt-4o")
            body = .object(object)
        }
        let input = try ResponsesRequest.decode(body)
        let history = try Responses(engine: engine).priorTurns(input).messages
        let tokens = PromptTokenEstimator.count(history + input.promptMessages).total
        return json(200, JSONValue.object(["object": .string("response.input_tokens"), "input_tokens": .int(Int64(tokens))]).jsonBytes)
    }

    /// POST /v1/responses/compact: the conversation (input, and a `previous_response_id` chain)
    /// compacted into the user's messages and one `compaction` item, which a next turn sends as
    /// input; usage bills the conversation as input and the item as output.
    func compact(_ context: RequestContext) throws(APIError) -> MockResponse {
        try checkContentType(context.request)
        let body = try context.jsonBody()
        let input = try ResponsesRequest.decode(body)
        guard catalog.serving(input.model, flavor: context.flavor) != nil else { throw .modelNotFound(input.model) }
        let history = try Responses(engine: engine).conversation(before: input.previousResponseID)
        let conversation = history + input.promptMessages
        var ids = SplitMix64(seed: StableHash.combine(body.canonicalHash, configuration.seed, 0xC0C0))
        let responseID = ids.hex(48, after: "resp_")
        var output: [JSONValue] = []
        for message in conversation where message.role == "user" {
            output.append(.object(JSONObject([
                ("id", .string(ids.hex(48, after: "msg_"))), ("type", .string("message")), ("status", .string("completed")),
                ("role", .string("user")), ("content", .array([.object(["type": .string("input_text"), "text": .string(message.text)])])),
            ])))
        }
        let content = Compaction.encryptedContent(for: conversation)
        output.append(.object(JSONObject([
            ("id", .string(ids.hex(48, after: "cmp_"))), ("type", .string("compaction")), ("encrypted_content", .string(content)),
        ])))
        let inputTokens = PromptTokenEstimator.count(conversation).total
        let outputTokens = max(1, content.utf8.count / 16)
        let usage: JSONValue = .object(JSONObject([
            ("input_tokens", .int(Int64(inputTokens))),
            ("input_tokens_details", .object(["cached_tokens": .int(0), "cache_write_tokens": .int(0)])),
            ("output_tokens", .int(Int64(outputTokens))),
            ("output_tokens_details", .object(["reasoning_tokens": .int(0)])),
            ("total_tokens", .int(Int64(inputTokens + outputTokens))),
        ]))
        let compacted: JSONValue = .object(JSONObject([
            ("id", .string(responseID)), ("object", .string("response.compaction")), ("created_at", .int(now())),
            ("output", .array(output)), ("usage", usage),
        ]))
        return json(200, compacted.jsonBytes)
    }
}
