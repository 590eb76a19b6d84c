import UnderstudyContract

/// The Responses API: create (JSON, stream or background), retrieve, delete, list input items,
/// cancel; stored responses chain through `previous_response_id`.
extension MockEngine {
    /// Members that change how an answer is delivered or kept, not what it says.
    static let responseDeliveryMembers: Set<String> = ["stream", "stream_options", "store", "background", "metadata", "user", "include"]

    func createResponse(_ request: MockRequest, flavor: Flavor, forcedReply: ReplyRule? = nil) throws(APIError) -> MockResponse {
        try checkContentType(request)
        let body = try jsonBody(request)
        let warnings = try validateRequest(body, against: \.responseRequest, flavor: flavor)
        let input = try Self.responsesInput(body, flavor: flavor, schemas: inlineSchemas)
        guard let model = configuration.fixtures.catalog.serving(input.model) else { throw .modelNotFound(input.model) }
        try ModelRules.check(model, api: "responses", body: body)
        let now = now()
        try ModelAvailability.check(model, requested: input.model, now: now, flavor: flavor, catalog: configuration.fixtures.catalog)
        if let denied = Access.byok(model, request: request, flavor: flavor, access: configuration.access) { throw denied }
        let (history, historyHash) = try priorTurns(input)
        let plan = try responsePlan(input, body: body, model: model, history: history, historyHash: historyHash, flavor: flavor,
                                    forcedReply: forcedReply)
        let items = zip(input.inputItems, inputItemIDs(plan.id, count: input.inputItems.count)).map { Self.listed($0, id: $1) }
        if let conversation = input.conversationID {
            // The turn's input, then its output, join the conversation (references name items it has).
            let output = (try? JSONParser.parse(ResponsesEncoder.json(plan)))?["output"]?.arrayValue ?? []
            try append(items.filter { $0["type"]?.stringValue != "item_reference" } + output, toConversation: conversation)
        }
        if input.store {
            let replyParts: [ContentPart] = plan.message.map { [.text($0.text)] } ?? []
            let calls = plan.functionCalls.map { "\($0.name) \($0.arguments)\n" }.joined()
            let reply = ChatMessage(role: "assistant", name: nil, parts: replyParts, toolCallText: calls, toolCallID: nil)
            try state.put(StoredResponse(plan: plan, body: body, inputItems: items, conversation: history + input.messages + [reply]))
        }
        var headers: [(name: String, value: String)] = [
            ("content-type", input.stream ? "text/event-stream; charset=utf-8" : "application/json"),
            ("x-request-id", requestID(StableHash.hash(plan.id))),
            ("openai-processing-ms", String(Self.processingMilliseconds(usage: plan.usage))),
            ("openai-version", "2020-10-01"),
        ]
        if flavor == .openrouter { headers.append(("x-generation-id", plan.id)) }
        headers += ModelAvailability.headers(model, now: now, catalog: configuration.fixtures.catalog) + ModelRules.headers(model)
        var response: MockResponse
        if input.stream {
            // A background response streams too; a client whose stream drops picks it up again
            // with GET /v1/responses/{id}?stream=true&starting_after=N.
            response = MockResponse(status: 200, headers: headers, body: .stream(StreamPlan(
                frames: ResponsesStreamEncoder.frames(plan), intervalNanoseconds: configuration.streamIntervalNanoseconds)))
        } else {
            var shown = plan
            if input.background { shown.status = "queued" }
            response = MockResponse(status: 200, headers: headers, body: .bytes(ResponsesEncoder.json(shown)))
        }
        applyTiming(&response, model: model, usage: plan.usage, seed: StableHash.hash(plan.id))
        response.violations = warnings
        response.usage = plan.usage
        response.model = model.id
        return response
    }

    /// The request as the engine reads it: decoded, with OpenRouter's statelessness enforced and
    /// its output (formats, function tools with the strict mode each was given) decided.
    static func responsesInput(_ body: JSONValue, flavor: Flavor, schemas: InlineSchemas) throws(APIError) -> ResponsesRequest {
        var input = try ResponsesRequest.decode(body)
        if flavor == .openrouter {
            // OpenRouter's /responses is stateless: nothing is stored, and asking for it is an error.
            if body["store"] == .bool(true) {
                throw .invalidRequest("OpenRouter's Responses API is stateless: store must be false.", param: "store", code: "invalid_prompt")
            }
            if let previous = body["previous_response_id"], !previous.isNull {
                throw .invalidRequest("OpenRouter's Responses API is stateless: previous_response_id is not supported.",
                                      param: "previous_response_id", code: "invalid_prompt")
            }
            if input.conversationID != nil {
                throw .invalidRequest("OpenRouter's Responses API is stateless: conversation is not supported.",
                                      param: "conversation", code: "invalid_prompt")
            }
            input.store = false
        } else if input.background && !input.store {
            // The live API refuses this with a 400 (a background response is one you poll, so it
            // is kept). The wording is unconfirmed: no first-hand answer was found; other
            // emulators of the API word it so.
            throw .invalidRequest("Background mode requires store=true.", param: "store", code: nil)
        }
        input.output = try OutputSpec.responses(body.objectValue ?? JSONObject(), messages: input.messages, schemas: schemas)
        // The response lists each function tool with the strict mode it was given.
        var functions = input.output.tools.makeIterator()
        input.tools = input.tools.map { tool in
            if flavor != .openrouter, let object = tool.objectValue, let listed = HostedToolEcho.listed(object) { return .object(listed) }
            guard var object = tool.objectValue, object["type"] == .string("function"), object["name"]?.stringValue != nil,
                  let decided = functions.next() else { return tool }
            if object["strict"] == nil || object["strict"] == .null { object["strict"] = .bool(decided.strict) }
            // Listed back with `output_schema` (null unless given), as every recorded Response since 2026-07.
            if flavor != .openrouter && object["output_schema"] == nil { object["output_schema"] = .null }
            return .object(object)
        }
        return input
    }

    /// Decides the answer with the chat synthesizer: the same text, budgets and usage rules.
    /// - Parameter historyHash: what a conversation held before this turn (0 without one): the
    ///   reply depends on it, as a `previous_response_id` chain's does through the id in the body.
    private func responsePlan(_ input: ResponsesRequest, body: JSONValue, model: ModelInfo, history: [ChatMessage], historyHash: UInt64,
                              flavor: Flavor, forcedReply: ReplyRule?) throws(APIError) -> ResponsePlan {
        let chat = ChatRequest(
            model: input.model, messages: history + input.promptMessages, n: 1,
            maxTokens: input.maxOutputTokens.map { ("max_output_tokens", $0) }, stop: [], seed: nil,
            temperature: input.temperature, topP: input.topP, stream: false, includeUsage: false, includeObfuscation: false,
            reasoningEffort: input.reasoningEffort, serviceTier: input.serviceTier, output: input.output)
        let requestHash = body.canonicalHash
        let occurrence = try nextOccurrence(requestHash)
        let now = now()
        let bodyHash = body.canonicalHash(excludingTopLevelKeys: Self.responseDeliveryMembers)
        let context = ChatSynthesizer.Context(
            requestHash: requestHash, conversationHash: historyHash == 0 ? bodyHash : StableHash.combine(bodyHash, historyHash),
            occurrence: occurrence, seed: configuration.seed, now: now, flavor: flavor)
        let chatPlan = try synthesizerForResponses.plan(chat, model: model, context: context, forcedReply: forcedReply)
        let choice = chatPlan.choices[0]
        var ids = SplitMix64(seed: StableHash.combine(requestHash, configuration.seed, UInt64(occurrence), 0x2E))
        let responseID = "resp_" + ids.hex(48)
        let messageID = "msg_" + ids.hex(48)
        var reasoning: ResponsePlan.Reasoning?
        let topic = Topic.phrase(from: input.messages.last(where: { $0.role == "user" })?.text ?? "")
        if model.reasoning && input.reasoningEffort != "none" {
            let summary = input.reasoningSummary.map { _ in
                "**Working through the request**\n\nI'm considering what matters most about \(topic) and how to explain it clearly."
            }
            let reasoningID = "rs_" + ids.hex(48)
            reasoning = ResponsePlan.Reasoning(id: reasoningID, summary: summary)
            if input.includeEncryptedReasoning {
                var bytes = SplitMix64(seed: StableHash.hash(reasoningID))
                reasoning?.encryptedContent = "gAAAAA" + bytes.base62(160)
            }
        }
        let hosted = HostedToolPlanner(tools: input.tools, toolChoice: input.toolChoice, include: input.include, topic: topic).plan(ids: &ids)
        var usage = chatPlan.usage
        usage.cachedTokens = history.isEmpty ? 0 : min(usage.promptTokens, PromptTokenEstimator.count(history).total)
        let calls = choice.toolCalls.map { call in
            ResponsePlan.FunctionCall(id: "fc_" + ids.hex(48), callID: call.id, name: call.name, arguments: call.arguments, pieces: call.pieces)
        }
        var plan = ResponsePlan(
            id: responseID, createdAt: now, status: choice.finishReason == "length" ? "incomplete" : "completed",
            model: chatPlan.model, request: input, reasoning: reasoning,
            message: choice.content.map {
                ResponsePlan.Message(id: messageID, text: $0, pieces: choice.pieces, logprobs: input.logprobs, logprobSeed: chatPlan.logprobSeed)
            },
            functionCalls: calls,
            usage: usage, incompleteReason: choice.finishReason == "length" ? "max_output_tokens" : nil)
        plan.live = model.live
        plan.reasoningModel = model.reasoning
        plan.flavor = flavor
        plan.hostedCalls = hosted.calls
        if hosted.awaitingApproval {
            // The turn stops at the approval request; the client answers it in the next one.
            plan.message = nil
            plan.functionCalls = []
        } else if var message = plan.message, !hosted.citationSuffix.isEmpty {
            let offset = message.text.unicodeScalars.count
            message.text += hosted.citationSuffix
            message.pieces = TokenPieces.split(message.text)
            message.annotations = hosted.annotations.map { start, end, annotation in
                var annotation = annotation
                annotation["start_index"] = .int(Int64(offset + start))
                annotation["end_index"] = .int(Int64(offset + end))
                return .object(annotation)
            }
            plan.message = message
        }
        return plan
    }

    /// What comes before this turn: a conversation's items, or the turns a `previous_response_id`
    /// continues (empty with neither), and a hash of a conversation's items.
    func priorTurns(_ input: ResponsesRequest) throws(APIError) -> (messages: [ChatMessage], hash: UInt64) {
        if let id = input.conversationID { return try conversationMessages(id) }
        return (try conversation(before: input.previousResponseID), 0)
    }

    /// The conversation a `previous_response_id` continues (empty without one); 400 if unknown.
    func conversation(before previousID: String?) throws(APIError) -> [ChatMessage] {
        guard let previousID else { return [] }
        guard let previous = try state.use(StoredResponse.self, previousID) else {
            throw .invalidRequest("Previous response with id '\(previousID)' not found.", param: "previous_response_id",
                                  code: "previous_response_not_found")
        }
        return previous.conversation
    }

    private func inputItemIDs(_ responseID: String, count: Int) -> [String] {
        var rng = SplitMix64(seed: StableHash.hash(responseID, seed: 0x17))
        return (0..<count).map { _ in "msg_" + rng.hex(48) }
    }

    static func notFound(_ id: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: nil, param: nil, message: "Response with id '\(id)' not found.")
    }

    func retrieveResponse(_ id: String, query: String?) throws(APIError) -> MockResponse {
        let q = QueryParameters(query)
        if q["stream"] == "true" { return try resumeResponseStream(id, startingAfter: q.integer("starting_after", in: -1...Int(Int32.max))) }
        // A background response moves on each time it is looked at: in_progress, then done.
        guard let entry = try state.use(StoredResponse.self, id, change: { $0.polls += 1 }) else { throw Self.notFound(id) }
        var plan = entry.plan
        if plan.request.background && plan.status != "cancelled" && entry.polls < 2 { plan.status = "in_progress" }
        return json(200, ResponsesEncoder.json(plan))
    }

    /// The events of a background response after `startingAfter` (a sequence number), as the
    /// live API replays them to a client that lost its stream.
    private func resumeResponseStream(_ id: String, startingAfter: Int?) throws(APIError) -> MockResponse {
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

    func deleteResponse(_ id: String) throws(APIError) -> MockResponse {
        guard try state.delete(StoredResponse.self, id) else { throw Self.notFound(id) }
        var w = JSONWriter(capacity: 96)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("object"); w.string("response")
        w.key("deleted"); w.bool(true)
        w.endObject()
        return json(200, w.bytes)
    }

    func cancelResponse(_ id: String) throws(APIError) -> MockResponse {
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
    }
}

/// A URL query string's parameters (first value wins; `+` and %-escapes decoded).
struct QueryParameters {
    private var values: [(String, String)] = []

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in JSONPointer.percentDecodedQuery(String(s)) }
            values.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
    }

    subscript(name: String) -> String? { values.first { $0.0 == name }?.1 }

    /// A list's `limit` (1…100, default 20) and `order` (asc or desc).
    func page(defaultOrder: String) throws(APIError) -> (limit: Int, order: String) {
        let limit = try integer("limit", in: 1...100) ?? 20
        let order = self["order"] ?? defaultOrder
        guard order == "asc" || order == "desc" else { throw .invalidValue("order", order, supported: ["asc", "desc"]) }
        return (limit, order)
    }

    /// Every parameter in order (for families like `metadata[key]`).
    var all: [(String, String)] { values }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw .invalidType(name, expected: "an integer", got: .string(text)) }
        guard range.contains(value) else {
            throw .outOfRange(name, isInteger: true, above: value > range.upperBound,
                              limit: String(value > range.upperBound ? range.upperBound : range.lowerBound), got: text)
        }
        return value
    }
}

extension MockEngine {
    /// POST /v1/responses/input_tokens: what creating this response would bill as input, by the
    /// same estimator (instructions, the input, tools' text, and a `previous_response_id` chain or
    /// a conversation's items).
    func countInputTokens(_ request: MockRequest) throws(APIError) -> MockResponse {
        try checkContentType(request)
        var body = try jsonBody(request)
        // The model is optional here; count as for the default model.
        if body["model"] == nil || body["model"] == .null, case .object(var object) = body {
            object["model"] = .string("gpt-4o")
            body = .object(object)
        }
        let input = try ResponsesRequest.decode(body)
        let history = try priorTurns(input).messages
        let tokens = PromptTokenEstimator.count(history + input.promptMessages).total
        return json(200, JSONValue.object(["object": .string("response.input_tokens"), "input_tokens": .int(Int64(tokens))]).jsonBytes)
    }
}

extension MockEngine {
    /// POST /v1/responses/compact: the conversation (input, and a `previous_response_id` chain)
    /// compacted into the user's messages and one `compaction` item, which a next turn sends as
    /// input; usage bills the conversation as input and the item as output.
    func compactResponse(_ request: MockRequest) throws(APIError) -> MockResponse {
        try checkContentType(request)
        let body = try jsonBody(request)
        let input = try ResponsesRequest.decode(body)
        guard configuration.fixtures.catalog.serving(input.model) != nil else { throw .modelNotFound(input.model) }
        let history = try conversation(before: input.previousResponseID)
        let conversation = history + input.promptMessages
        var ids = SplitMix64(seed: StableHash.combine(body.canonicalHash, configuration.seed, 0xC0C0))
        let responseID = "resp_" + ids.hex(48)
        var output: [JSONValue] = []
        for message in conversation where message.role == "user" {
            output.append(.object(JSONObject([
                ("id", .string("msg_" + ids.hex(48))), ("type", .string("message")), ("status", .string("completed")),
                ("role", .string("user")), ("content", .array([.object(["type": .string("input_text"), "text": .string(message.text)])])),
            ])))
        }
        let content = Compaction.encryptedContent(for: conversation)
        output.append(.object(JSONObject([
            ("id", .string("cmp_" + ids.hex(48))), ("type", .string("compaction")), ("encrypted_content", .string(content)),
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
