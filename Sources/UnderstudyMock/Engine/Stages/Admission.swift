import UnderstudyContract

/// Applies the admin changes other servers sharing the state made since the last request (a
/// state out of reach changes nothing here: the answer finds out for itself).
struct CatchUp: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        if context.route.isAPI || context.route.isAdmin { engine.catchUp() }
        return .proceed
    }
}

/// A document without one of the APIs: a 404, as a provider without it would answer.
struct ContractServed: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        if let contract = engine.configuration.contract, !context.route.isServed(by: contract) {
            throw .notFound(method: context.request.method, path: context.request.path)
        }
        return .proceed
    }
}

/// `--api-keys`: an API request without an accepted key gets the flavour's 401.
struct AccessCheck: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        if context.route.isAPI, let access = engine.configuration.access, let denied = access.check(context.request, flavor: context.flavor) {
            throw denied
        }
        return .proceed
    }
}

/// `--rate-limit`: a completion over its key's limits gets a 429; one admitted is counted when
/// answered (`RateLimitCount`).
struct RateLimitAdmission: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        guard let limiter = engine.rateLimiter, context.route.isCompletion else { return .proceed }
        let key = context.apiKey ?? "anonymous"
        let now = engine.now()
        try limiter.admit(key: key, now: now, flavor: context.flavor, model: context.model ?? "gpt-4o", state: engine.state)
        context.admitted = (key, now)
        return .proceed
    }
}

/// An admitted completion's tokens counted; OpenAI's answers carry the limits counting down.
struct RateLimitCount: Finisher {
    func finish(_ response: inout MockResponse, _ context: RequestContext, _ engine: MockEngine) throws(APIError) {
        guard let limiter = engine.rateLimiter, let admitted = context.admitted else { return }
        let headers = try limiter.record(key: admitted.key, now: admitted.now, tokens: response.tokensUsed ?? 0, state: engine.state)
        if context.flavor != .openrouter && response.status == 200 { response.headers += headers }
    }
}
