import UnderstudyContract

/// POST /v1/chat/completions: a completion synthesised from the request (JSON or a stream), a
/// repeat of a repeatable request served from its template, stored when asked (`store: true`).
struct ChatCompletions: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("POST", "chat/completions", "createChatCompletion", .chat, completion: true,
                   schema: \OpenAIContract.chatResponse) { e, c throws(APIError) in
            try ChatCompletions(engine: e).create(c)
        },
    ]

    /// - Parameters:
    ///   - serveAs: the model and provider an OpenRouter fallback attempt serves (ProviderFallback).
    ///   - forcedReply: a scenario rule's reply (ScenarioEffects).
    func create(_ context: RequestContext, serveAs: FallbackPlanner.Attempt? = nil,
                forcedReply: ReplyRule? = nil) throws(APIError) -> MockResponse {
        let request = context.request, flavor = context.flavor
        try checkContentType(request)
        let now = now()
        let templateKey = ResponseTemplateCache.key(body: request.body, flavor: flavor)
        let decision = try Trigger.replyDecision(for: request)
        // Fallback attempts may serve another model or provider each time, and a template is
        // keyed by the body alone: none for them, nor for a reply the headers decide.
        let templated = serveAs == nil && forcedReply == nil && decision == nil
        if templated, let template = engine.templates?.template(for: templateKey, now: now) {
            return try repeatResponse(template)
        }
        let body = try context.jsonBody()
        let warnings = try validateRequest(body, against: \.chatRequest, flavor: flavor)
        // OpenRouter holds only OpenAI's models (`gpt-4o` as much as `openai/gpt-4o`) to OpenAI's
        // strict-mode schema rules; an unknown model is judged as OpenAI's.
        let requested = body["model"]?.stringValue.flatMap { catalog.serving($0) }
        var chat = try ChatRequest.decode(body, allowOpenRouterMembers: flavor == .openrouter, schemas: inlineSchemas,
                                          strictSchemaRules: flavor != .openrouter || requested?.isOpenAIs ?? true)
        chat.output.steering = decision
        chat.keepsPieces = chat.stream || chat.logprobs != nil || chat.audio != nil
        guard let model = serveAs?.model ?? catalog.serving(chat.model, flavor: flavor) else { throw .modelNotFound(chat.model) }
        try ModelRules.check(model, api: "chat", body: body)
        try ModelAvailability.check(model, requested: serveAs?.requested ?? chat.model, now: now, flavor: flavor, catalog: catalog)
        if let denied = Access.byok(model, request: request, flavor: flavor, access: configuration.access) { throw denied }

        let requestHash = body.canonicalHash
        let occurrence = try nextOccurrence(requestHash)
        let synthesis = ChatSynthesizer.Context(
            requestHash: requestHash,
            conversationHash: body.canonicalHash(excludingTopLevelKeys: Self.deliveryMembers, whole: requestHash),
            occurrence: occurrence,
            seed: configuration.seed,
            now: now,
            flavor: flavor
        )
        var plan = try engine.synthesizer.plan(chat, model: model, context: synthesis, forcedReply: forcedReply)
        plan.provider = serveAs?.provider ?? model.providers.first?.name ?? "OpenAI"
        if flavor == .openrouter {
            plan.serverTools = OpenRouterServerTools.requested(in: body, topic: Topic.phrase(from: chat.messages.last(where: { $0.role == "user" })?.text ?? ""))
        }
        plan.cost = (serveAs?.priceFactor ?? 1)
            * (Double(plan.usage.promptTokens) * model.pricing.input + Double(plan.usage.completionTokens) * model.pricing.output) / 1_000_000
        let processing = String(Self.processingMilliseconds(plan))
        let notices = ModelAvailability.headers(model, now: now, catalog: catalog) + ModelRules.headers(model)
        let headers = chatHeaders(stream: chat.stream, requestHash: requestHash, occurrence: occurrence,
                                  processingMilliseconds: processing, id: plan.id, flavor: flavor) + notices
        // Kept from the second sighting on: a load test of distinct requests would otherwise store a
        // template per request that nothing reads (2.6% of its time), and clear the cache every
        // 1,024. A spoken answer's audio id is drawn per occurrence, so it would not repeat from one.
        // A template is keyed by the body alone: none for a model whose answer the key decides (BYOK).
        let templatable = occurrence > 0 && plan.repeatable && warnings.isEmpty && templated && !chat.store
            && !plan.choices.contains { $0.audio != nil } && !(flavor == .openrouter && model.byokRequired)
        if chat.stream {
            if chat.store && flavor == .openai { try StoredCompletions(engine: engine).storeCompletion(ChatCompletionEncoder.json(plan), plan: plan, body: body, created: now) }
            if templatable {
                engine.templates?.store(key: templateKey, .init(
                    requestHash: requestHash, created: now, flavor: flavor,
                    body: .stream(plan, includeUsage: chat.includeUsage, includeObfuscation: chat.includeObfuscation),
                    processingMilliseconds: processing, notices: notices, usage: plan.usage, model: model.id))
            }
            let frames = StreamFrames(ChatStreamRenderer(plan, includeUsage: chat.includeUsage, includeObfuscation: chat.includeObfuscation))
            var response = MockResponse(status: 200, headers: headers,
                                        body: .stream(StreamPlan(frames: frames, intervalNanoseconds: configuration.streamIntervalNanoseconds)))
            engine.applyTiming(&response, model: model, usage: plan.usage, seed: requestHash)
            response.violations = warnings
            response.usage = plan.usage
            response.model = model.id
            return response
        }
        let json = ChatCompletionEncoder.json(plan)
        if chat.store && flavor == .openai { try StoredCompletions(engine: engine).storeCompletion(json, plan: plan, body: body, created: now) }
        if templatable {
            engine.templates?.store(key: templateKey, body: json, id: plan.id, requestHash: requestHash, created: now,
                             flavor: flavor, processingMilliseconds: processing, notices: notices, usage: plan.usage, model: model.id)
        }
        var response = MockResponse(status: 200, headers: headers, body: .bytes(json))
        engine.applyTiming(&response, model: model, usage: plan.usage, seed: requestHash)
        response.violations = warnings
        response.usage = plan.usage
        response.model = model.id
        return response
    }

    /// A repeat of a repeatable request: the template with this occurrence's id spliced in (a
    /// stream's plan given this occurrence's id and padding).
    private func repeatResponse(_ template: ResponseTemplateCache.Template) throws(APIError) -> MockResponse {
        let occurrence = try nextOccurrence(template.requestHash)
        let context = ChatSynthesizer.Context(
            requestHash: template.requestHash, conversationHash: 0, occurrence: occurrence,
            seed: configuration.seed, now: template.created, flavor: template.flavor)
        let (id, paddingSeed) = ChatSynthesizer.responseID(context)
        let answer: MockResponse.Body
        switch template.body {
        case .json(let prefix, let suffix):
            var body: [UInt8] = []
            body.reserveCapacity(prefix.count + id.utf8.count + suffix.count)
            body.append(contentsOf: prefix)
            body.append(contentsOf: id.utf8)
            body.append(contentsOf: suffix)
            answer = .bytes(body)
        case .stream(var plan, let includeUsage, let includeObfuscation):
            plan.id = id
            plan.paddingSeed = paddingSeed
            let frames = StreamFrames(ChatStreamRenderer(plan, includeUsage: includeUsage, includeObfuscation: includeObfuscation))
            answer = .stream(StreamPlan(frames: frames, intervalNanoseconds: configuration.streamIntervalNanoseconds))
        }
        let stream = if case .stream = answer { true } else { false }
        let headers = chatHeaders(stream: stream, requestHash: template.requestHash, occurrence: occurrence,
                                  processingMilliseconds: template.processingMilliseconds, id: id, flavor: template.flavor)
            + template.notices
        var response = MockResponse(status: 200, headers: headers, body: answer)
        response.usage = template.usage
        response.model = template.model
        return response
    }

    private func chatHeaders(stream: Bool, requestHash: UInt64, occurrence: Int, processingMilliseconds: String,
                             id: String, flavor: Flavor) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(5)
        headers.append(("content-type", stream ? "text/event-stream; charset=utf-8" : "application/json"))
        headers.append(("x-request-id", requestID(StableHash.combine(requestHash, configuration.seed, UInt64(occurrence)))))
        headers.append(("openai-processing-ms", processingMilliseconds))
        headers.append(("openai-version", "2020-10-01"))
        if flavor == .openrouter { headers.append(("x-generation-id", id)) }
        return headers
    }

    /// Members that change how a reply is delivered, not which reply it is.
    static let deliveryMembers: Set<String> = [
        "stream", "stream_options", "max_tokens", "max_completion_tokens", "stop", "n", "user", "metadata", "store",
        "service_tier", "safety_identifier", "prompt_cache_key", "logprobs", "top_logprobs",
    ]

    /// A plausible, deterministic server time: a base cost plus a little per token.
    static func processingMilliseconds(_ plan: ChatPlan) -> Int {
        processingMilliseconds(usage: plan.usage)
    }

    static func processingMilliseconds(usage: Usage) -> Int {
        120 + usage.promptTokens / 40 + usage.completionTokens * 6
    }
}
