extension TimingProfile.Patch {
    /// Reads `{first_token_ms, prefill_ms_per_1k, tokens_per_second, jitter, burst, capacity}`, any
    /// of them, each range-checked where it is read.
    static func parse(_ node: YAMLDocument) throws(FixtureError) -> TimingProfile.Patch {
        var f = try YAMLFields(node, what: "timing")
        let limits = TimingProfile.limits
        func number(_ key: String, _ range: ClosedRange<Double>, _ f: inout YAMLFields) throws(FixtureError) -> Double? {
            guard let value = f.optional(key) else { return nil }
            let number = try value.double("timing.\(key)")
            guard range.contains(number) else { throw value.error("timing.\(key) must be between \(range.lowerBound) and \(range.upperBound), not \(number)") }
            return number
        }
        var patch = TimingProfile.Patch()
        patch.firstTokenMilliseconds = try number("first_token_ms", limits.milliseconds, &f)
        patch.prefillMillisecondsPerThousand = try number("prefill_ms_per_1k", limits.milliseconds, &f)
        patch.tokensPerSecond = try number("tokens_per_second", limits.rate, &f)
        patch.jitter = try number("jitter", limits.jitter, &f)
        patch.burst = try f.optional("burst")?.int("timing.burst", in: limits.burst)
        patch.capacity = try f.optional("capacity")?.int("timing.capacity", in: limits.capacity)
        try f.rejectUnknown()
        return patch
    }
}

extension TimingMode {
    /// `--timing FILE`: `every_model:` (a timing for all) and `models:` (model id or alias →
    /// timing), both optional, over the catalog's profiles.
    public static func parse(yaml text: String, file: String, catalog: ModelCatalog) throws(FixtureError) -> TimingMode {
        let document = try YAMLDocument.parse(text, file: file)
        var top = try YAMLFields(document, what: "a timing file")
        let everyModel = try top.optional("every_model").map { (node) throws(FixtureError) in try TimingProfile.Patch.parse(node) }
        var byModel: [String: TimingProfile.Patch] = [:]
        if let models = top.optional("models") {
            for (name, node) in try models.mapping("models") {
                guard let model = catalog.model(named: name) else { throw node.error("'\(name)' is not in the model catalog") }
                byModel[model.id] = try TimingProfile.Patch.parse(node)
            }
        }
        try top.rejectUnknown()
        return .realistic(everyModel: everyModel, byModel: byModel)
    }
}
