import UnderstudyContract

/// OpenRouter's routing of a chat completion (`models` fallbacks, `provider` preferences, and
/// any scenario rules, which may fail one model or provider): each (model, provider) attempt in
/// order; any error (a scenario's, a deprecation, BYOK) moves on to the next; the client gets the
/// first success, naming the model and provider that served, or the last error. Every attempt is
/// listed in the `x-understudy-attempts` header.
struct ProviderFallback: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        guard context.flavor == .openrouter, context.route.is("createChatCompletion"), let body = context.body,
              body["models"] != nil || body["provider"] != nil || !engine.scenarioBook.rules.isEmpty else { return .proceed }
        let catalog = engine.configuration.fixtures.catalog
        let attempts = FallbackPlanner.attempts(body, catalog: catalog)
        guard !attempts.isEmpty else { throw .modelNotFound(body["model"]?.stringValue ?? "(none)") }
        var log: [String] = []
        var lastError: APIError?
        for attempt in attempts {
            let decision = try engine.scenarioBook.decide(context.request, route: context.route, flavor: .openrouter,
                                                          model: attempt.model.id, provider: attempt.provider, body: { body },
                                                          catalog: catalog, hit: engine.hit)
            do throws(APIError) {
                var response: MockResponse
                if decision.actions.isEmpty {
                    response = try ChatCompletions(engine: engine).create(context, serveAs: attempt)
                } else {
                    response = try ScenarioEffects(engine: engine, context: context)
                        .apply(decision.actions, model: attempt.model.id, serveAs: attempt)
                    response.scenario = decision.rule
                }
                log.append("\(attempt.label)=\(response.status == 0 ? "fault" : String(response.status))")
                response.headers.append(("x-understudy-attempts", log.joined(separator: ", ")))
                return .answer(response)
            } catch {
                log.append("\(attempt.label)=\(error.status)")
                lastError = error
            }
        }
        var error = lastError!
        error.headers.append(("x-understudy-attempts", log.joined(separator: ", ")))
        throw error
    }
}
