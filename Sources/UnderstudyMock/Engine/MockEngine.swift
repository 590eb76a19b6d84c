import Synchronization
import UnderstudyContract

/// The fake provider: one request in, one response out. Pure apart from what it learns, which is
/// kept behind one seam (`ServerState`), and free of NIO, so every behaviour can be tested without
/// a socket.
///
/// Flow: route → content type → JSON → typed request → model → synthesis → encoding.
public final class MockEngine: Sendable {
    public let configuration: MockConfiguration
    private let synthesizer: ChatSynthesizer
    private let templates: ResponseTemplateCache?
    /// The bytes the repeat cache holds, and its limit (tests).
    var templateBytes: (held: Int, limit: Int)? { templates.map { ($0.bytes, $0.byteLimit) } }
    private let validator = SchemaValidator()
    /// Answers are checked as the SDKs read them (Dialect.swift).
    private let answerValidator = SchemaValidator().forResponses
    private let selfCheckLog = Mutex<[String]>([])
    /// Everything learnt while running: in this process, or shared by replicas.
    let state: any ServerState
    /// The rules and clock in force: the fixtures' with the state's admin changes applied.
    let scenarioBook: ScenarioBook
    let rateLimiter: RateLimiter?
    /// The generations each model is running, for `--timing realistic` (each server its own: a
    /// replica stands for one more provider machine).
    let generationSlots = GenerationSlots()
    /// Request-borne schemas (structured outputs, function parameters), compiled once each.
    let inlineSchemas = InlineSchemas()

    public init(configuration: MockConfiguration) {
        self.configuration = configuration
        self.synthesizer = ChatSynthesizer(replies: configuration.fixtures.replies)
        // A repeat served from a template would skip its generation time.
        self.templates = configuration.cacheRepeatableResponses && configuration.timing == .off ? ResponseTemplateCache() : nil
        self.state = configuration.state
            ?? MemoryState(recordLimit: configuration.responseStoreLimit, recordByteLimit: configuration.storeByteLimit)
        self.scenarioBook = ScenarioBook(rules: configuration.fixtures.scenarios, seed: configuration.seed)
        self.rateLimiter = configuration.rateLimits.map(RateLimiter.init(limits:))
    }

    var synthesizerForResponses: ChatSynthesizer { synthesizer }

    /// Whether answering waits on the network (a shared state): the server then calls
    /// `respond(to:)` off its event loops.
    public var waitsOnNetwork: Bool { state.waitsOnNetwork }

    func nextOccurrence(_ hash: UInt64) throws(APIError) -> Int { try state.nextOccurrence(hash, in: .request) }

    /// Applies the admin changes other servers sharing the state made since the last request.
    /// A state out of reach changes nothing here: the answer finds out for itself.
    func catchUp() {
        let applied = scenarioBook.applied
        if let read = try? state.adminChanges(after: applied), read.last > applied { scenarioBook.apply(read) }
    }

    public func respond(to request: MockRequest) -> MockResponse {
        let route = Route(method: request.method, path: request.path)
        let flavor = flavor(of: request, route: route)
        if route.isAPI || route.isAdmin { catchUp() }
        if case .admin(let rest) = route {
            var response = admin(rest, request)
            response.routeName = route.name
            return response
        }
        var response = dispatch(request, route, flavor: flavor)
        response.routeName = route.name
        // A completion that failed before its model was looked up still names the one it asked for
        // (parsed again only here, off the path of every success).
        if route.isCompletion, response.model == nil {
            response.model = (try? JSONParser.parse(request.body))?["model"]?.stringValue
        }
        // A header-triggered scenario is named in the journal like a rule's.
        if route.isAPI, response.scenario == nil { response.scenario = Trigger.label(request) }
        if configuration.selfCheck {
            for contract in [configuration.contract].compactMap({ $0 }) + configuration.selfCheckAlso {
                selfCheck(&response, route: route, flavor: flavor, contract: contract)
            }
        }
        if route.isAPI {
            state.record(JournalEntry(sequence: 0, at: now(), method: request.method, path: request.path, status: response.status,
                                      flavor: flavor, scenario: response.scenario,
                                      attempts: response.headers.first { $0.name == "x-understudy-attempts" }?.value,
                                      fault: response.injectedFault ?? { if case .fault(let f) = response.body { return f }; return nil }()))
        }
        return response
    }

    /// Unix seconds now, by the admin-set clock or the configured one.
    public func now() -> Int64 {
        (scenarioBook.clock ?? configuration.clock).now()
    }

    /// Records an admin change in the state and applies it here at once (other servers sharing
    /// the state apply it with their next request).
    func change(_ change: AdminChange) throws(APIError) {
        _ = try state.append(change)
        catchUp()
    }

    /// Forgets everything learnt since start: occurrences, templates, stored responses and
    /// completions, conversations, scenario counts, rate-limit windows, the journal and an
    /// admin-set clock. The scenario rules stay.
    func reset() throws(APIError) {
        try state.reset()
        templates?.reset()
        generationSlots.reset()
        try change(.reset)
    }

    /// Counts a scenario rule's match in the state.
    func hit(_ active: ScenarioBook.ActiveRule) throws(APIError) -> Int {
        try state.scenarioHit(rule: active.rule.name, generation: active.generation)
    }

    /// The provider to speak as: the X-Understudy-Flavor header, else OpenRouter for its base path
    /// (/api/v1), else the configured flavour.
    func flavor(of request: MockRequest, route: Route) -> Flavor {
        if let named = request.header("x-understudy-flavor").flatMap(Flavor.init(rawValue:)) { return named }
        return route.flavor == .openrouter ? .openrouter : configuration.flavor
    }

    /// Self-check findings so far (with `selfCheck`): every response that broke the contract.
    public var selfCheckViolations: [String] { selfCheckLog.withLock { $0 } }

    private func dispatch(_ request: MockRequest, _ route: Route, flavor: Flavor) -> MockResponse {
        do throws(APIError) {
            // A document without one of the two APIs: answer as a provider without it would.
            if let contract = configuration.contract, !route.isServed(by: contract) { throw .notFound(method: request.method, path: request.path) }
            if route.isAPI, let access = configuration.access, let denied = access.check(request, flavor: flavor) { throw denied }
            guard let limiter = rateLimiter, route.isCompletion else { return try answer(request, route, flavor: flavor) }
            // Under --rate-limit: admitted (then counted, the headers counting down), or a 429.
            let key = ScenarioRule.apiKey(of: request) ?? "anonymous"
            let now = now()
            let model = (try? JSONParser.parse(request.body))?["model"]?.stringValue ?? "gpt-4o"
            try limiter.admit(key: key, now: now, flavor: flavor, model: model, state: state)
            var response = try answer(request, route, flavor: flavor)
            let headers = try limiter.record(key: key, now: now, tokens: response.tokensUsed ?? 0, state: state)
            if flavor != .openrouter && response.status == 200 { response.headers += headers }
            return response
        } catch {
            return errorResponse(error, flavor: flavor, requestID: requestID(StableHash.hash(request.body, seed: StableHash.hash(request.path))))
        }
    }

    /// The answer after access checks: a recording's, a scenario rule's, a header trigger's, or the
    /// route's own.
    private func answer(_ request: MockRequest, _ route: Route, flavor: Flavor) throws(APIError) -> MockResponse {
            if route.isAPI, let replay = configuration.replay {
                if let recorded = try replay.recording(for: request, next: { (key) throws(APIError) in try state.nextOccurrence(key, in: .replay) }) { return Self.replayed(recorded, pacing: replay.recordedPacing) }
                if replay.miss == .notFound {
                    throw APIError(status: 404, type: "invalid_request_error", code: "no_recording", param: nil,
                                   message: "No recorded exchange matches \(request.method) \(request.path) with this body (serving --replay with --replay-miss 404).")
                }
            }
            if flavor == .openrouter, case .chatCompletions = route, let body = try? JSONParser.parse(request.body),
               body["models"] != nil || body["provider"] != nil || !scenarioBook.rules.isEmpty {
                return try withFallbacks(request, body: body)
            }
            if route.isAPI, !scenarioBook.rules.isEmpty {
                var parsed: JSONValue??
                let body = { () -> JSONValue? in
                    if parsed == nil { parsed = .some(try? JSONParser.parse(request.body)) }
                    return parsed!
                }
                let model = body()?["model"]?.stringValue
                let decision = try scenarioBook.decide(request, route: route, flavor: flavor, model: model, body: body,
                                                       catalog: configuration.fixtures.catalog, hit: hit)
                if !decision.actions.isEmpty {
                    var response: MockResponse
                    do throws(APIError) {
                        response = try apply(decision.actions, request: request, route: route, flavor: flavor, model: model ?? "gpt-4o")
                    } catch {
                        response = errorResponse(error, flavor: flavor,
                                                 requestID: requestID(StableHash.hash(request.body, seed: StableHash.hash(request.path))))
                    }
                    response.scenario = decision.rule
                    return response
                }
            }
            if route.isAPI, request.header("prefer") != nil || request.header("x-understudy-scenario") != nil {
                let model = (try? JSONParser.parse(request.body))?["model"]?.stringValue ?? "gpt-4o"
                if let error = Trigger.error(for: request, flavor: flavor, model: model) { throw error }
                if let fault = Trigger.fault(for: request) {
                    switch fault {
                    case .connectionReset, .closeBeforeAnswer, .garbageThenClose:
                        return MockResponse(status: 0, headers: [], body: .fault(fault))
                    default:
                        var response = try dispatchRoute(request, route, flavor: flavor)
                        applyStreamFault(fault, to: &response, route: route, flavor: flavor, model: model)
                        return response
                    }
                }
            }
            return try dispatchRoute(request, route, flavor: flavor)
    }

    private func dispatchRoute(_ request: MockRequest, _ route: Route, flavor: Flavor) throws(APIError) -> MockResponse {
            switch route {
            case .chatCompletions:
                return try chatCompletion(request, flavor: flavor)
            case .storedCompletions:
                return try listStoredCompletions(query: request.query)
            case .storedCompletion(let id, _):
                return request.method == "POST" ? try updateStoredCompletion(id, request) : try retrieveStoredCompletion(id)
            case .deleteStoredCompletion(let id, _):
                return try deleteStoredCompletion(id)
            case .storedCompletionMessages(let id, _):
                return try listStoredMessages(id, query: request.query)
            case .responseInputTokens:
                return try countInputTokens(request)
            case .compactResponse:
                return try compactResponse(request)
            case .createResponse:
                return try createResponse(request, flavor: flavor)
            case .response(let id, _):
                return try retrieveResponse(id, query: request.query)
            case .deleteResponse(let id, _):
                return try deleteResponse(id)
            case .inputItems(let id, _):
                return try listInputItems(id, query: request.query)
            case .cancelResponse(let id, _):
                return try cancelResponse(id)
            case .createConversation:
                return try createConversation(request, flavor: flavor)
            case .conversation(let id, _):
                return request.method == "POST" ? try updateConversation(id, request, flavor: flavor) : try retrieveConversation(id)
            case .deleteConversation(let id, _):
                return try deleteConversation(id)
            case .conversationItems(let id, _):
                return request.method == "POST" ? try createConversationItems(id, request, flavor: flavor)
                    : try listConversationItems(id, query: request.query)
            case .conversationItem(let id, let itemID, _):
                return try retrieveConversationItem(id, itemID: itemID)
            case .deleteConversationItem(let id, let itemID, _):
                return try deleteConversationItem(id, itemID: itemID)
            case .embeddings:
                return try createEmbedding(request, flavor: flavor)
            case .listModels:
                return json(200, ModelListEncoder.list(configuration.fixtures.catalog.models, flavor: flavor))
            case .model(let id, _):
                guard let model = configuration.fixtures.catalog.serving(id) else { throw .modelNotFound(id) }
                return json(200, ModelListEncoder.single(model, flavor: flavor))
            case .health:
                return json(200, Array(#"{"status":"ok"}"#.utf8))
            case .admin:
                throw .notFound(method: request.method, path: request.path)
            case .openAPISpec:
                guard let contract = configuration.contract else { throw .notFound(method: request.method, path: request.path) }
                return MockResponse(status: 200, headers: [("content-type", "application/yaml")], body: .bytes(Array(contract.yaml.utf8)))
            case .methodNotAllowed(let allowed):
                throw .methodNotAllowed(method: request.method, path: request.path, allowed: allowed)
            case .notFound:
                throw .notFound(method: request.method, path: request.path)
            }
    }

    /// An error answer in the flavour's envelope; the server uses it for errors it finds itself
    /// (oversized bodies, unparseable HTTP).
    public func errorResponse(_ error: APIError, flavor: Flavor, requestID: String? = nil) -> MockResponse {
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let requestID { headers.append(("x-request-id", requestID)) }
        headers.append(("openai-version", "2020-10-01"))
        headers.append(contentsOf: error.headers.map { (name: $0.0, value: $0.1) })
        return MockResponse(status: error.status, headers: headers, body: .bytes(flavor.errorBody(error)))
    }

    /// Which flavour a path speaks, for errors the server raises before routing.
    public func flavor(forPath path: String) -> Flavor {
        path.hasPrefix("/api/") ? .openrouter : .openai
    }

    /// The request body as JSON, after the content-type check.
    func jsonBody(_ request: MockRequest) throws(APIError) -> JSONValue {
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw .invalidJSON(error.description)
        }
    }

    /// Checks a request body against its schema in specs/ (OpenAI's; OpenRouter's request shapes
    /// are checked by the decoders): under strict validation the first finding is the error,
    /// otherwise the findings come back as warnings for the response.
    func validateRequest(_ body: JSONValue, against schema: KeyPath<OpenAIContract, Schema?>, flavor: Flavor) throws(APIError) -> [String] {
        guard flavor != .openrouter, configuration.requestValidation != .off,
              let schema = configuration.contract?[keyPath: schema] else { return [] }
        let findings = validator.validate(body, against: schema)
        guard let first = findings.first else { return [] }
        if configuration.requestValidation == .strict { throw APIError.from(first, in: body) }
        return findings.map { "request: \($0)" }
    }

    func checkContentType(_ request: MockRequest) throws(APIError) {
        if let contentType = request.header("content-type"), !Self.isJSON(contentType) {
            throw .unsupportedMediaType(contentType)
        }
    }

    private func chatCompletion(_ request: MockRequest, flavor: Flavor, serveAs: FallbackPlanner.Attempt? = nil,
                                forcedReply: ReplyRule? = nil) throws(APIError) -> MockResponse {
        try checkContentType(request)
        let now = now()
        let templateKey = ResponseTemplateCache.key(body: request.body, flavor: flavor)
        // Fallback attempts may serve another model or provider each time: no templates for them.
        if serveAs == nil, forcedReply == nil, let template = templates?.template(for: templateKey, now: now) {
            return try repeatResponse(template)
        }
        let body = try jsonBody(request)
        let warnings = try validateRequest(body, against: \.chatRequest, flavor: flavor)
        let chat = try ChatRequest.decode(body, allowOpenRouterMembers: flavor == .openrouter, schemas: inlineSchemas)
        guard let model = serveAs?.model ?? configuration.fixtures.catalog.serving(chat.model) else { throw .modelNotFound(chat.model) }
        try ModelRules.check(model, api: "chat", body: body)
        try ModelAvailability.check(model, requested: serveAs?.requested ?? chat.model, now: now, flavor: flavor, catalog: configuration.fixtures.catalog)
        if let denied = Access.byok(model, request: request, flavor: flavor, access: configuration.access) { throw denied }

        let requestHash = body.canonicalHash
        let occurrence = try nextOccurrence(requestHash)
        let context = ChatSynthesizer.Context(
            requestHash: requestHash,
            conversationHash: Self.conversationHash(body),
            occurrence: occurrence,
            seed: configuration.seed,
            now: now,
            flavor: flavor
        )
        var plan = try synthesizer.plan(chat, model: model, context: context, forcedReply: forcedReply)
        plan.provider = serveAs?.provider ?? model.providers.first?.name ?? "OpenAI"
        plan.cost = (serveAs?.priceFactor ?? 1)
            * (Double(plan.usage.promptTokens) * model.pricing.input + Double(plan.usage.completionTokens) * model.pricing.output) / 1_000_000
        let processing = String(Self.processingMilliseconds(plan))
        let notices = ModelAvailability.headers(model, now: now, catalog: configuration.fixtures.catalog)
        let headers = chatHeaders(stream: chat.stream, requestHash: requestHash, occurrence: occurrence,
                                  processingMilliseconds: processing, id: plan.id, flavor: flavor) + notices + ModelRules.headers(model)
        if chat.stream {
            if chat.store && flavor == .openai { try storeCompletion(ChatCompletionEncoder.json(plan), plan: plan, body: body, created: now) }
            let frames = StreamFrames(ChatStreamRenderer(plan, includeUsage: chat.includeUsage, includeObfuscation: chat.includeObfuscation))
            var response = MockResponse(status: 200, headers: headers,
                                        body: .stream(StreamPlan(frames: frames, intervalNanoseconds: configuration.streamIntervalNanoseconds)))
            applyTiming(&response, model: model, usage: plan.usage, seed: requestHash)
            response.violations = warnings
            response.usage = plan.usage
            response.model = model.id
            return response
        }
        let json = ChatCompletionEncoder.json(plan)
        if chat.store && flavor == .openai { try storeCompletion(json, plan: plan, body: body, created: now) }
        if plan.repeatable && warnings.isEmpty && serveAs == nil && forcedReply == nil && !chat.store {
            templates?.store(key: templateKey, body: json, id: plan.id, requestHash: requestHash, created: now,
                             flavor: flavor, processingMilliseconds: processing, notices: notices, usage: plan.usage, model: model.id)
        }
        var response = MockResponse(status: 200, headers: headers, body: .bytes(json))
        applyTiming(&response, model: model, usage: plan.usage, seed: requestHash)
        response.violations = warnings
        response.usage = plan.usage
        response.model = model.id
        return response
    }

    /// A repeat of a repeatable request: the template with this occurrence's id spliced in.
    private func repeatResponse(_ template: ResponseTemplateCache.Template) throws(APIError) -> MockResponse {
        let occurrence = try nextOccurrence(template.requestHash)
        let context = ChatSynthesizer.Context(
            requestHash: template.requestHash, conversationHash: 0, occurrence: occurrence,
            seed: configuration.seed, now: template.created, flavor: template.flavor)
        let id = ChatSynthesizer.responseID(context).id
        var body: [UInt8] = []
        body.reserveCapacity(template.prefix.count + id.utf8.count + template.suffix.count)
        body.append(contentsOf: template.prefix)
        body.append(contentsOf: id.utf8)
        body.append(contentsOf: template.suffix)
        let headers = chatHeaders(stream: false, requestHash: template.requestHash, occurrence: occurrence,
                                  processingMilliseconds: template.processingMilliseconds, id: id, flavor: template.flavor)
            + template.notices
        var response = MockResponse(status: 200, headers: headers, body: .bytes(body))
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

    /// OpenRouter's fallbacks: each (model, provider) attempt in order; any error (a scenario's,
    /// a deprecation, BYOK) moves on to the next; the client gets the first success, naming the
    /// model and provider that served, or the last error. Every attempt is listed in the
    /// `x-understudy-attempts` header.
    private func withFallbacks(_ request: MockRequest, body: JSONValue) throws(APIError) -> MockResponse {
        let attempts = FallbackPlanner.attempts(body, catalog: configuration.fixtures.catalog)
        guard !attempts.isEmpty else { throw .modelNotFound(body["model"]?.stringValue ?? "(none)") }
        var log: [String] = []
        var lastError: APIError?
        for attempt in attempts {
            let decision = try scenarioBook.decide(request, route: .chatCompletions(.openrouter), flavor: .openrouter,
                                                   model: attempt.model.id, provider: attempt.provider, body: { body },
                                                   catalog: configuration.fixtures.catalog, hit: hit)
            do throws(APIError) {
                var response: MockResponse
                if decision.actions.isEmpty {
                    response = try chatCompletion(request, flavor: .openrouter, serveAs: attempt)
                } else {
                    response = try apply(decision.actions, request: request, route: .chatCompletions(.openrouter), flavor: .openrouter,
                                         model: attempt.model.id, serveAs: attempt)
                    response.scenario = decision.rule
                }
                log.append("\(attempt.label)=\(response.status == 0 ? "fault" : String(response.status))")
                response.headers.append(("x-understudy-attempts", log.joined(separator: ", ")))
                return response
            } catch {
                log.append("\(attempt.label)=\(error.status)")
                lastError = error
            }
        }
        var error = lastError!
        error.headers.append(("x-understudy-attempts", log.joined(separator: ", ")))
        throw error
    }

    /// A recorded exchange as an answer: its status, headers (less the hop-by-hop ones) and body,
    /// a stream split back into its frames.
    static func replayed(_ exchange: Exchange, pacing: Bool) -> MockResponse {
        let hopByHop: Set<String> = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]
        var headers = exchange.response.headers.filter { !hopByHop.contains($0.name.lowercased()) }
        headers.append(("x-understudy-replay", exchange.source))
        guard exchange.response.mediaType == "text/event-stream" else {
            return MockResponse(status: exchange.status, headers: headers, body: .bytes(exchange.response.body))
        }
        let text = String(decoding: exchange.response.body, as: UTF8.self)
        let frames = text.split(separator: "\n\n", omittingEmptySubsequences: true).map { Array(($0 + "\n\n").utf8) }
        var plan = StreamPlan(frames: frames, intervalNanoseconds: 0)
        if pacing, let delays = exchange.frameDelaysMilliseconds, !delays.isEmpty {
            let nanoseconds = delays.map { Int64($0) * 1_000_000 }
            plan.firstFrameDelayNanoseconds = nanoseconds[0]
            if delays.count == frames.count {
                plan.frameDelaysNanoseconds = nanoseconds
            } else {
                // Frames and events do not line up (comment frames): keep the mean gap.
                plan.intervalNanoseconds = nanoseconds.dropFirst().reduce(0, +) / Int64(max(1, delays.count - 1))
            }
        }
        return MockResponse(status: exchange.status, headers: headers, body: .stream(plan))
    }

    /// Carries out a scenario rule's actions: an error (worded for the flavour), a fault, latency.
    private func apply(_ actions: [ScenarioRule.Action], request: MockRequest, route: Route, flavor: Flavor,
                       model: String, serveAs: FallbackPlanner.Attempt? = nil) throws(APIError) -> MockResponse {
        var latency: ScenarioRule.Latency?
        var fault: Fault?
        var faultAfter: Int?
        var reply: ReplyRule?
        for action in actions {
            switch action {
            case .error(let name, var error):
                if let name, let worded = ErrorCatalog.error(named: name, flavor: flavor, model: model) { error = worded }
                error.message = error.message.replacing("{model}", with: model)
                throw error
            case .fault(let f, let after):
                fault = f
                faultAfter = after
            case .latency(let l): latency = l
            case .reply(let r): reply = r
            case .pass: break
            }
        }
        var response: MockResponse
        if let fault, fault == .connectionReset || fault == .closeBeforeAnswer || fault == .garbageThenClose {
            response = MockResponse(status: 0, headers: [], body: .fault(fault))
        } else {
            switch route {
            case .chatCompletions:
                response = try chatCompletion(request, flavor: flavor, serveAs: serveAs, forcedReply: reply)
            case .createResponse:
                response = try createResponse(request, flavor: flavor, forcedReply: reply)
            default:
                response = try dispatchRoute(request, route, flavor: flavor)
            }
            if let fault { applyStreamFault(fault, to: &response, route: route, flavor: flavor, model: model, after: faultAfter) }
        }
        if let latency {
            let jitter = latency.jitterMilliseconds > 0
                ? Int(StableHash.hash(request.body, seed: configuration.seed) % UInt64(latency.jitterMilliseconds + 1)) : 0
            response.delayNanoseconds = Int64(latency.fixedMilliseconds + jitter) * 1_000_000
            if case .stream(var plan) = response.body {
                plan.firstFrameDelayNanoseconds = Int64(latency.firstTokenMilliseconds) * 1_000_000
                if flavor == .openrouter { plan.waitingComment = Array(": OPENROUTER PROCESSING\n\n".utf8) }
                if let between = latency.betweenChunksMilliseconds {
                    plan.intervalNanoseconds = Int64(between) * 1_000_000
                    plan.pacing = nil
                }
                response.body = .stream(plan)
            }
        }
        return response
    }

    /// Breaks a stream as `fault` says, with the provider's own mid-stream error where one is due;
    /// a request that is not streamed gets the nearest equivalent (a 500, or no answer).
    private func applyStreamFault(_ fault: Fault, to response: inout MockResponse, route: Route, flavor: Flavor, model: String,
                                  after: Int? = nil) {
        guard case .stream(var plan) = response.body else {
            if response.status == 200 {
                response = fault == .streamError
                    ? errorResponse(ErrorCatalog.error(named: "server-error", flavor: flavor, model: model)!, flavor: flavor)
                    : MockResponse(status: 0, headers: [], body: .fault(.closeBeforeAnswer))
            }
            return
        }
        var errorFrames: [[UInt8]] = []
        if fault == .streamError {
            let isResponses: Bool = { if case .createResponse = route { return true }; return false }()
            errorFrames = MidStreamError.frames(flavor: flavor, responses: isResponses, model: model,
                                                sequenceNumber: after ?? Fault.framesBefore, streamPrefix: plan.frames.remaining().first ?? [])
        }
        fault.apply(to: &plan, errorFrames: errorFrames, after: after ?? Fault.framesBefore)
        response.body = .stream(plan)
        response.injectedFault = fault
    }

    /// Validates what the engine is about to send against the contract and records any finding.
    /// OpenRouter's completions and chunks are checked against OpenAI's schemas (they are meant to
    /// parse as OpenAI's); its error envelope and model list have shapes of their own, for which
    /// there is no spec yet.
    private func selfCheck(_ response: inout MockResponse, route: Route, flavor: Flavor, contract: OpenAIContract) {
        // Breaking these on purpose was the point.
        if response.injectedFault != nil { return }
        if flavor == .openrouter {
            guard case .chatCompletions = route, response.status == 200 else { return }
        }
        let schema: Schema?
        var eventSchema = contract.chatChunk
        switch route {
        case _ where response.status != 200: schema = contract.error
        case .chatCompletions: schema = contract.chatResponse
        case .createResponse, .response, .cancelResponse:
            schema = contract.response
            eventSchema = contract.responseEvent
        case .storedCompletions: schema = contract.chatCompletionList
        case .storedCompletion: schema = contract.chatResponse
        case .deleteStoredCompletion: schema = contract.chatCompletionDeleted
        case .storedCompletionMessages: schema = contract.chatCompletionMessageList
        case .responseInputTokens: schema = contract.inputTokens
        case .compactResponse: schema = contract.compactedResponse
        case .deleteResponse: schema = contract.deletedResponse
        case .inputItems: schema = contract.responseItemList
        case .createConversation, .conversation, .deleteConversationItem: schema = contract.conversation
        case .deleteConversation: schema = contract.deletedConversation
        case .conversationItems: schema = contract.conversationItemList
        case .conversationItem: schema = contract.conversationItem
        case .listModels: schema = contract.modelList
        case .model: schema = contract.model
        case .embeddings: schema = contract.embeddingResponse
        default: return
        }
        var findings: [String] = []
        func check(_ bytes: some Collection<UInt8>, _ schema: Schema, _ what: String) {
            do {
                let value = try JSONParser.parse(bytes)
                findings += answerValidator.validate(value, against: schema).map { "self-check: \(what): \($0)" }
            } catch {
                findings.append("self-check: \(what) is not JSON: \(error)")
            }
        }
        switch response.body {
        case .bytes(let bytes):
            // A schema the document lacks was noted once at start (OpenAIContract.startNote).
            guard let schema else { return }
            check(bytes, schema, "response body")
        case .fault:
            return
        case .stream(let plan):
            let frames = plan.frames.remaining()
            let events = SSEParser.events(frames.flatMap { $0 })
            if events.count != frames.count { findings.append("self-check: \(frames.count) frames parse as \(events.count) events") }
            if let eventSchema {
                for (i, event) in events.enumerated() where event.data != "[DONE]" {
                    check(Array(event.data.utf8), eventSchema, "stream event \(i)")
                }
            }
            if case .chatCompletions = route, events.last?.data != "[DONE]" {
                findings.append("self-check: the stream does not end with [DONE]")
            }
        }
        guard !findings.isEmpty else { return }
        response.violations += findings
        selfCheckLog.withLock { log in
            if log.count < 1000 { log += findings }
        }
    }

    /// Members that change how a reply is delivered, not which reply it is.
    static let deliveryMembers: Set<String> = [
        "stream", "stream_options", "max_tokens", "max_completion_tokens", "stop", "n", "user", "metadata", "store",
        "service_tier", "safety_identifier", "prompt_cache_key", "logprobs", "top_logprobs",
    ]

    static func conversationHash(_ body: JSONValue) -> UInt64 {
        body.canonicalHash(excludingTopLevelKeys: deliveryMembers)
    }

    /// A plausible, deterministic server time: a base cost plus a little per token.
    static func processingMilliseconds(_ plan: ChatPlan) -> Int {
        processingMilliseconds(usage: plan.usage)
    }

    static func processingMilliseconds(usage: Usage) -> Int {
        120 + usage.promptTokens / 40 + usage.completionTokens * 6
    }

    func requestID(_ hash: UInt64) -> String {
        var rng = SplitMix64(seed: hash)
        return "req_" + rng.hex(32)
    }

    func json(_ status: Int, _ body: [UInt8]) -> MockResponse {
        MockResponse(status: status, headers: [("content-type", "application/json")], body: .bytes(body))
    }

    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingWhitespace().lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }
}
