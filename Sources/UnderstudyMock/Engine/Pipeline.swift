/// The order of every decision about a request, top to bottom: socket → admission → decision →
/// resource → encoding → wire. The first stage that answers ends the decision; the finishers
/// then see every answer.
enum Pipeline {
    static let stages: [any Stage] = [
        CatchUp(),             // admin changes other replicas made
        ContractServed(),      // a document without this API: 404
        AccessCheck(),         // --api-keys: 401
        RateLimitAdmission(),  // --rate-limit: 429, or admitted
        Replay(),              // --replay: the recorded answer
        ProviderFallback(),    // OpenRouter: models and provider fallbacks
        ScenarioDecision(),    // scenario rules
        HeaderTriggers(),      // Prefer: code=…, X-Understudy-Scenario
        ResourceAnswer(),      // the route table's resource
    ]

    /// After an answer the stages gave (not an error one threw).
    static let afterAnswer: [any Finisher] = [
        RateLimitCount(),      // --rate-limit: the tokens counted, the headers counting down
    ]

    /// After every answer, errors included.
    static let finishers: [any Finisher] = [
        RequestedModel(),      // a failed completion names the model it asked for (metrics)
        TriggerLabel(),        // a header trigger named like a scenario rule
        SelfCheck(),           // --self-check
        Journal(),             // the admin API's journal
    ]

    static func respond(to request: MockRequest, engine: MockEngine) -> MockResponse {
        var context = RequestContext(request, configuredFlavor: engine.configuration.flavor, parses: engine.bodyParses)
        var response: MockResponse
        do throws(APIError) {
            response = try decide(&context, engine)
            for index in afterAnswer.indices { try afterAnswer[index].finish(&response, context, engine) }
        } catch {
            response = engine.errorResponse(error, flavor: context.flavor, requestID: engine.requestID(context.errorRequestHash))
            response.refusal = error.finding
        }
        response.routeName = context.route.name
        response.flavor = context.flavor
        // By index: `for … in` copied each existential out of the array (and destroyed it).
        for index in finishers.indices { try? finishers[index].finish(&response, context, engine) }
        return response
    }

    private static func decide(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> MockResponse {
        for index in stages.indices {
            if case .answer(let response) = try stages[index].run(&context, engine) { return response }
        }
        // ResourceAnswer always answers.
        throw .notFound(method: context.request.method, path: context.request.path)
    }
}

/// The route's resource answers; a wrong method is a 405, an unknown path a 404.
struct ResourceAnswer: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        switch context.route.kind {
        case .operation(let entry): return .answer(try entry.answer(engine, context))
        case .methodNotAllowed(let allowed):
            throw .methodNotAllowed(method: context.request.method, path: context.request.path, allowed: allowed)
        case .notFound: throw .notFound(method: context.request.method, path: context.request.path)
        }
    }
}
