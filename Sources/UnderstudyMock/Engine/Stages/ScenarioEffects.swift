import UnderstudyContract

/// What a scenario rule or a header trigger does to an answer: an error (worded for the
/// flavour), a fault, a forced reply, latency.
struct ScenarioEffects {
    let engine: MockEngine
    let context: RequestContext

    /// The route's own answer, from its resource.
    func resourceAnswer() throws(APIError) -> MockResponse {
        guard let entry = context.route.entry else { throw .notFound(method: context.request.method, path: context.request.path) }
        return try entry.answer(engine, context)
    }

    /// Carries out a scenario rule's actions: an error (worded for the flavour), a fault, latency.
    func apply(_ actions: [ScenarioRule.Action], model: String, serveAs: FallbackPlanner.Attempt? = nil) throws(APIError) -> MockResponse {
        let request = context.request, route = context.route, flavor = context.flavor
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
            if route.is("createChatCompletion") {
                response = try ChatCompletions(engine: engine).create(context, serveAs: serveAs, forcedReply: reply)
            } else if route.is("createResponse") {
                response = try Responses(engine: engine).create(context, forcedReply: reply)
            } else {
                response = try resourceAnswer()
            }
            if let fault { breakStream(fault, of: &response, model: model, after: faultAfter) }
        }
        if let latency {
            let jitter = latency.jitterMilliseconds > 0
                ? Int(StableHash.hash(request.body, seed: engine.configuration.seed) % UInt64(latency.jitterMilliseconds + 1)) : 0
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
    func breakStream(_ fault: Fault, of response: inout MockResponse, model: String, after: Int? = nil) {
        let flavor = context.flavor
        guard case .stream(var plan) = response.body else {
            if response.status == 200 {
                response = fault == .streamError
                    ? engine.errorResponse(ErrorCatalog.error(named: "server-error", flavor: flavor, model: model)!, flavor: flavor)
                    : MockResponse(status: 0, headers: [], body: .fault(.closeBeforeAnswer))
            }
            return
        }
        var errorFrames: [[UInt8]] = []
        if fault == .streamError {
            errorFrames = MidStreamError.frames(flavor: flavor, responses: context.route.is("createResponse"), model: model,
                                                sequenceNumber: after ?? Fault.framesBefore, streamPrefix: plan.frames.remaining().first ?? [])
        }
        fault.apply(to: &plan, errorFrames: errorFrames, after: after ?? Fault.framesBefore)
        response.body = .stream(plan)
        response.injectedFault = fault
    }
}
