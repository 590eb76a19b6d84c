import UnderstudyContract

/// The scenario rules (fixtures' scenarios.yaml, `--scenarios`, the admin API): the first rule
/// matching the request, whose step this is, shapes the answer. An error it asks for is the
/// answer, named in the journal like the rest.
struct ScenarioDecision: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        guard context.route.isAPI, !engine.scenarioBook.rules.isEmpty else { return .proceed }
        let body = context.body
        let model = context.model
        let decision = try engine.scenarioBook.decide(context.request, route: context.route, flavor: context.flavor, model: model,
                                                      body: { body }, catalog: engine.configuration.fixtures.catalog, hit: engine.hit)
        guard !decision.actions.isEmpty else { return .proceed }
        var response: MockResponse
        do throws(APIError) {
            response = try ScenarioEffects(engine: engine, context: context).apply(decision.actions, model: model ?? "gpt-4o")
        } catch {
            response = engine.errorResponse(error, flavor: context.flavor, requestID: engine.requestID(context.errorRequestHash))
        }
        response.scenario = decision.rule
        return .answer(response)
    }
}

/// `Prefer: code=…` and `X-Understudy-Scenario: …` on a request: an error of the flavour's, or a
/// fault (a connection cut or reset, garbage, or a stream broken mid-way).
struct HeaderTriggers: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        let request = context.request
        guard context.route.isAPI, request.header("prefer") != nil || request.header("x-understudy-scenario") != nil else { return .proceed }
        let model = context.model ?? "gpt-4o"
        if let error = Trigger.error(for: request, flavor: context.flavor, model: model) { throw error }
        guard let fault = Trigger.fault(for: request) else { return .proceed }
        switch fault {
        case .connectionReset, .closeBeforeAnswer, .garbageThenClose:
            return .answer(MockResponse(status: 0, headers: [], body: .fault(fault)))
        default:
            let effects = ScenarioEffects(engine: engine, context: context)
            var response = try effects.resourceAnswer()
            effects.breakStream(fault, of: &response, model: model)
            return .answer(response)
        }
    }
}
