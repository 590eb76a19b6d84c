import UnderstudyContract

/// The Responses API's create (JSON, stream or background); stored responses chain through
/// `previous_response_id` (StoredResponses.swift retrieves, deletes, cancels and lists them).
struct Responses: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("POST", "responses", "createResponse", .responses, completion: true,
                   schema: \OpenAIContract.response, events: \OpenAIContract.responseEvent) { e, c throws(APIError) in
            try Responses(engine: e).create(c)
        },
    ]

    /// Members that change how an answer is delivered or kept, not what it says.
    static let responseDeliveryMembers: Set<String> = ["stream", "stream_options", "store", "background", "metadata", "user", "include"]

    func create(_ context: RequestContext, forcedReply: ReplyRule? = nil) throws(APIError) -> MockResponse {
        let request = context.request, flavor = context.flavor
        try checkContentType(request)
        let body = try context.jsonBody()
        let warnings = try validateRequest(body, against: \.responseRequest, flavor: flavor)
        var input = try Self.responsesInput(body, flavor: flavor, schemas: inlineSchemas)
        input.output.steering = try Trigger.replyDecision(for: request)
        guard let model = catalog.serving(input.model, flavor: flavor) else { throw .modelNotFound(input.model) }
        try ModelRules.check(model, api: "responses", body: body)
        let now = now()
        try ModelAvailability.check(model, requested: input.model, now: now, flavor: flavor, catalog: catalog)
        if let denied = Access.byok(model, request: request, flavor: flavor, access: configuration.access) { throw denied }
        let (history, historyHash) = try priorTurns(input)
        var plan = try responsePlan(input, body: body, model: model, history: history, historyHash: historyHash, flavor: flavor,
                                    forcedReply: forcedReply)
        if flavor == .openrouter {
            plan.cost = (Double(plan.usage.promptTokens) * model.pricing.input / 1_000_000,
                         Double(plan.usage.completionTokens) * model.pricing.output / 1_000_000)
        }
        let items = zip(input.inputItems, inputItemIDs(plan.id, count: input.inputItems.count)).map { Conversations.listed($0, id: $1) }
        if let conversation = input.conversationID {
            // The turn's input, then its output, join the conversation (references name items it has).
            let output = (try? JSONParser.parse(ResponsesEncoder.json(plan)))?["output"]?.arrayValue ?? []
            try Conversations(engine: engine).append(items.filter { $0["type"]?.stringValue != "item_reference" } + output, toConversation: conversation)
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
            ("openai-processing-ms", String(ChatCompletions.processingMilliseconds(usage: plan.usage))),
            ("openai-version", "2020-10-01"),
        ]
        if flavor == .openrouter { headers.append(("x-generation-id", plan.id)) }
        headers += ModelAvailability.headers(model, now: now, catalog: catalog) + ModelRules.headers(model)
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
        engine.applyTiming(&response, model: model, usage: plan.usage, seed: StableHash.hash(plan.id))
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
        let decidedTools = input.output.tools.filter { $0.namespace == nil || $0.namespace == $0.name } + input.output.waiting.map(\.tool)
        input.tools = input.tools.map { tool in
            if flavor != .openrouter, let object = tool.objectValue, let listed = HostedToolEcho.listed(object) { return .object(listed) }
            guard var object = tool.objectValue, object["type"] == .string("function"), let name = object["name"]?.stringValue,
                  let decided = decidedTools.first(where: { $0.name == name }) else { return tool }
            if object["strict"] == nil || object["strict"] == .null {
                // OpenAI's lists the parameters strict mode made of them (StrictSchemaRules.listedFunction).
                if flavor == .openrouter { object["strict"] = .bool(decided.strict) } else { object = StrictSchemaRules.listedFunction(object) }
            }
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
        let requestHash = body.canonicalHash
        let occurrence = try nextOccurrence(requestHash)
        let lastUser = input.messages.last(where: { $0.role == "user" })?.text ?? ""
        var output = input.output
        let search = searchFirst(&output, turnFromUser: input.messages.last?.role == "user", prompt: lastUser,
                                 seed: StableHash.combine(requestHash, configuration.seed, UInt64(occurrence), 0x75))
        let chat = ChatRequest(
            model: input.model, messages: history + input.promptMessages, n: 1,
            maxTokens: input.maxOutputTokens.map { ("max_output_tokens", $0) }, stop: [], seed: nil,
            temperature: input.temperature, topP: input.topP, stream: false, includeUsage: false, includeObfuscation: false,
            reasoningEffort: input.reasoningEffort, serviceTier: input.serviceTier, output: output)
        let now = now()
        let bodyHash = body.canonicalHash(excludingTopLevelKeys: Self.responseDeliveryMembers, whole: requestHash)
        let context = ChatSynthesizer.Context(
            requestHash: requestHash, conversationHash: historyHash == 0 ? bodyHash : StableHash.combine(bodyHash, historyHash),
            occurrence: occurrence, seed: configuration.seed, now: now, flavor: flavor)
        let chatPlan = try engine.synthesizer.plan(chat, model: model, context: context, forcedReply: forcedReply)
        let choice = chatPlan.choices[0]
        var ids = SplitMix64(seed: StableHash.combine(requestHash, configuration.seed, UInt64(occurrence), 0x2E))
        let responseID = ids.hex(48, after: "resp_")
        let messageID = ids.hex(48, after: "msg_")
        var reasoning: ResponsePlan.Reasoning?
        let topic = Topic.phrase(from: input.messages.last(where: { $0.role == "user" })?.text ?? "")
        if model.reasoning && input.reasoningEffort != "none" {
            let summary = input.reasoningSummary.map { _ in
                "**Working through the request**\n\nI'm considering what matters most about \(topic) and how to explain it clearly."
            }
            let reasoningID = ids.hex(48, after: "rs_")
            reasoning = ResponsePlan.Reasoning(id: reasoningID, summary: summary)
            // Asked for with `include`, or not: every reasoning item recorded since 2026-07 carries
            // it (openinference's gpt-5-mini cassettes, 2026-07-13: 3 of 3 without `include`; 7 of
            // 8 without it in 2025-12 had none). OpenRouter's only when asked.
            if input.includeEncryptedReasoning || flavor == .openai {
                var bytes = SplitMix64(seed: StableHash.hash(reasoningID))
                reasoning?.encryptedContent = bytes.base62(160, after: "gAAAAA")
            }
        }
        let hosted = HostedToolPlanner(tools: input.tools, toolChoice: input.toolChoice, include: input.include, topic: topic).plan(ids: &ids)
        var usage = chatPlan.usage
        usage.cachedTokens = history.isEmpty ? 0 : min(usage.promptTokens, PromptTokenEstimator.count(history).total)
        let calls = choice.toolCalls.map { call in
            ResponsePlan.FunctionCall(id: ids.hex(48, after: "fc_"), callID: call.id, name: call.name, arguments: call.arguments, pieces: call.pieces,
                                      namespace: output.tools.first { $0.name == call.name }?.namespace)
        }
        var plan = ResponsePlan(
            id: responseID, createdAt: now, status: choice.finishReason == "length" ? "incomplete" : "completed",
            model: chatPlan.model, request: input, reasoning: reasoning,
            message: choice.content.map {
                ResponsePlan.Message(id: messageID, text: $0, pieces: choice.pieces, logprobs: input.logprobs, logprobSeed: chatPlan.logprobSeed,
                                     commentary: !choice.toolCalls.isEmpty)
            },
            functionCalls: calls,
            usage: usage, incompleteReason: choice.finishReason == "length" ? "max_output_tokens" : nil)
        plan.live = model.live
        plan.reasoningModel = model.reasoning
        plan.flavor = flavor
        plan.hostedCalls = search.items + hosted.calls
        if search.endsTurn {
            // A client-side search: the client runs it and answers in the next turn.
            plan.message = nil
            plan.functionCalls = []
            plan.hostedCalls = search.items
        } else if hosted.awaitingApproval {
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
        if let threshold = input.compactThreshold, plan.usage.totalTokens > threshold {
            // Server-side compaction: past the threshold the turn ends with a compaction item
            // standing for the whole conversation, this answer included (recorded 2026-04: 847 + 1179
            // tokens against 1000 got one, 435 + 388 did not; pydantic-ai's compact_stateful_mode).
            let reply = ChatMessage(role: "assistant", name: nil, parts: plan.message.map { [.text($0.text)] } ?? [],
                                    toolCallText: plan.functionCalls.map { "\($0.name) \($0.arguments)\n" }.joined(), toolCallID: nil)
            plan.compaction = ResponsePlan.Compacted(id: ids.hex(48, after: "cmp_"),
                                                     encryptedContent: Compaction.encryptedContent(for: chat.messages + [reply]))
        }
        return plan
    }

    /// A tool search this turn opens with (`ToolSearch`): on a turn from the user, with deferred
    /// functions no search has loaded, the search loads the one the prompt matches best (server),
    /// which the turn may then call; or the turn is the client's search call alone.
    private func searchFirst(_ output: inout OutputSpec, turnFromUser: Bool, prompt: String,
                             seed: UInt64) -> (items: [HostedCall], endsTurn: Bool) {
        guard let search = output.search, !output.searched, turnFromUser, !output.waiting.isEmpty, output.toolChoice != .none else {
            return ([], false)
        }
        // Asked for an answer without a search, it searches only for a call nothing else could make.
        if let steering = output.steering, !steering.search && (steering.answer == .text || !output.tools.isEmpty) { return ([], false) }
        var ids = SplitMix64(seed: seed)
        if search.byClient {
            let arguments = ToolSearch.clientArguments(output.searchParameters, prompt: prompt, seed: ids.next())
            return ([ToolSearch.clientItem(arguments: arguments, ids: &ids)], true)
        }
        guard let loaded = ToolSearch.load(output.waiting.map(\.function), prompt: prompt) else { return ([], false) }
        if let i = output.waiting.firstIndex(where: { $0.function.path == loaded.function.path }) {
            output.tools.append(output.waiting.remove(at: i).tool)
        }
        return (ToolSearch.serverItems(path: loaded.path, listed: loaded.listed, ids: &ids), false)
    }

    /// What comes before this turn: a conversation's items, or the turns a `previous_response_id`
    /// continues (empty with neither), and a hash of a conversation's items.
    func priorTurns(_ input: ResponsesRequest) throws(APIError) -> (messages: [ChatMessage], hash: UInt64) {
        if let id = input.conversationID { return try Conversations(engine: engine).conversationMessages(id) }
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
        return (0..<count).map { _ in rng.hex(48, after: "msg_") }
    }
}
