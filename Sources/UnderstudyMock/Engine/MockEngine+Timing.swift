import UnderstudyContract

extension MockEngine {
    /// `--timing realistic`: a generation takes as long as the model's profile says, given how
    /// busy the model is. A stream waits its time to first token and then keeps the model's beat;
    /// a JSON answer arrives when its last token would have. `seed` (from the request) and
    /// `--seed` fix the jitter, so a run repeats.
    func applyTiming(_ response: inout MockResponse, model: ModelInfo, usage: Usage, seed: UInt64) {
        guard let profile = configuration.timing.profile(for: model) else { return }
        let visible = max(0, usage.completionTokens - usage.reasoningTokens)
        var frames = visible + 1
        if case .stream(let plan) = response.body { frames = plan.frames.count }
        let timing = GenerationTiming.decide(
            profile, promptTokens: usage.promptTokens, reasoningTokens: usage.reasoningTokens, outputTokens: visible,
            frames: frames, seed: StableHash.combine(seed, configuration.seed), slots: generationSlots, model: model.id)
        switch response.body {
        case .stream(var plan):
            plan.firstFrameDelayNanoseconds = timing.firstTokenNanoseconds
            plan.pacing = timing.pacing
            response.body = .stream(plan)
        case .bytes:
            response.delayNanoseconds = timing.firstTokenNanoseconds + timing.durationNanoseconds
        case .fault:
            break
        }
    }
}
