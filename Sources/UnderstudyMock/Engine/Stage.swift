/// One step of answering a request (Pipeline.swift lists them in order): it answers, or lets the
/// request go on, perhaps with a changed context.
protocol Stage: Sendable {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision
}

enum StageDecision {
    /// This is the answer: later stages do not run.
    case answer(MockResponse)
    /// The next stage decides.
    case proceed
}

/// A step after the answer is decided: it may add to the answer (headers, the model, findings)
/// or record it.
protocol Finisher: Sendable {
    func finish(_ response: inout MockResponse, _ context: RequestContext, _ engine: MockEngine) throws(APIError)
}
