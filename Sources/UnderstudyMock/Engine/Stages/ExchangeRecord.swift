import UnderstudyContract

/// A completion that failed before its model was looked up still names the one it asked for
/// (read from the body, which the context parses at most once).
struct RequestedModel: Finisher {
    func finish(_ response: inout MockResponse, _ context: RequestContext, _ engine: MockEngine) throws(APIError) {
        if context.route.isCompletion, response.model == nil { response.model = context.model }
    }
}

/// A header-triggered scenario is named in the journal like a rule's.
struct TriggerLabel: Finisher {
    func finish(_ response: inout MockResponse, _ context: RequestContext, _ engine: MockEngine) throws(APIError) {
        if context.route.isAPI, response.scenario == nil { response.scenario = Trigger.label(context.request) }
    }
}

/// Every API exchange in the journal (the admin API's `GET journal`).
struct Journal: Finisher {
    func finish(_ response: inout MockResponse, _ context: RequestContext, _ engine: MockEngine) throws(APIError) {
        guard context.route.isAPI else { return }
        let request = context.request
        let fault = response.injectedFault ?? { if case .fault(let f) = response.body { return f }; return nil }()
        engine.state.record(JournalEntry(sequence: 0, at: engine.now(), method: request.method, path: request.path, status: response.status,
                                         flavor: context.flavor, scenario: response.scenario,
                                         attempts: response.header("x-understudy-attempts"), fault: fault))
    }
}
