import UnderstudyContract

extension ScenarioRule {
    /// The ranges numbers in scenario and reply files must fall in (checked at load).
    public enum Limits {
        /// An hour: longer than any client waits.
        public static let milliseconds = 3_600_000
        /// A billion tokens: past any context window.
        public static let tokens = 1_000_000_000
        /// Counts (nth, times, every, after).
        public static let count = 1_000_000_000
    }

    /// Reads fixtures/scenarios.yaml: a top-level `scenarios:` list.
    public static func parseAll(yaml text: String, file: String) throws(FixtureError) -> [ScenarioRule] {
        let document = try YAMLDocument.parse(text, file: file)
        var top = try YAMLFields(document, what: "scenarios.yaml")
        let list = try top.optional("scenarios")?.sequence("scenarios") ?? []
        try top.rejectUnknown()
        var rules: [ScenarioRule] = []
        for (i, entry) in list.enumerated() { rules.append(try rule(entry, index: i)) }
        return rules
    }

    private static func rule(_ entry: YAMLDocument, index: Int) throws(FixtureError) -> ScenarioRule {
        var f = try YAMLFields(entry, what: "a scenario")
        let name = try f.optional("name")?.string("name") ?? "scenario \(index + 1)"
        var match = Match()
        if let m = f.optional("match") {
            var fields = try YAMLFields(m, what: "match")
            match.path = try fields.optional("path")?.string("match.path")
            match.model = try fields.optional("model")?.string("match.model")
            match.provider = try fields.optional("provider")?.string("match.provider")
            if let node = fields.optional("flavor") {
                let text = try node.string("match.flavor")
                guard let flavor = Flavor(rawValue: text) else { throw node.error("match.flavor must be openai, openrouter or aimlapi") }
                match.flavor = flavor
            }
            for header in try fields.optional("header")?.mapping("match.header") ?? [] {
                match.headers.append((header.key, try header.value.string("match.header.\(header.key)")))
            }
            match.apiKey = try fields.optional("api_key")?.string("match.api_key")
            for field in try fields.optional("body")?.mapping("match.body") ?? [] {
                guard field.key.hasPrefix("/") else { throw field.value.error("match.body keys are JSON pointers, like /model or /messages/0/role") }
                var pattern: ReplyRule.Pattern?
                var equals: JSONValue?
                if let object = field.value.json().objectValue, let regex = object["regex"]?.stringValue {
                    do { pattern = try ReplyRule.Pattern(regex) } catch { throw field.value.error("invalid regex: \(error)") }
                } else {
                    equals = field.value.json()
                }
                match.body.append((field.key, equals, pattern))
            }
            match.nth = try fields.optional("nth")?.int("match.nth", in: 1...Limits.count)
            try fields.rejectUnknown()
        }
        var steps: [Step] = []
        if let sequence = f.optional("sequence") {
            for step in try sequence.sequence("sequence") {
                if step.isScalar {
                    steps.append(Step(actions: [try action(named: step)], times: 1))
                    continue
                }
                var s = try YAMLFields(step, what: "a sequence step")
                let times = try s.optional("times")?.int("times", in: 1...Limits.count) ?? 1
                let actions = try self.actions(&s)
                try s.rejectUnknown()
                steps.append(Step(actions: actions.isEmpty ? [.pass] : actions, times: times))
            }
        } else {
            let actions = try self.actions(&f)
            guard !actions.isEmpty else { throw entry.error("scenario '\(name)' needs an action: error, fault, latency, pass or sequence") }
            steps = [Step(actions: actions, times: Int.max)]
        }
        let every = try f.optional("every")?.int("every", in: 1...Limits.count)
        let probability = try f.optional("probability")?.double("probability")
        if let probability, !(0...1).contains(probability) { throw entry.error("probability must be between 0 and 1") }
        try f.rejectUnknown()
        return ScenarioRule(name: name, match: match, steps: steps, every: every, probability: probability)
    }

    private static func action(named node: YAMLDocument) throws(FixtureError) -> Action {
        let name = try node.string("a sequence step")
        if name == "pass" { return .pass }
        if let fault = Fault(rawValue: name) { return .fault(fault, after: nil) }
        if let error = ErrorCatalog.error(named: name, flavor: .openai, model: "{model}") { return .error(name: name, error) }
        throw node.error("unknown step '\(name)' (pass, a fault or a catalog error name)")
    }

    /// The actions written in a rule or step: error, fault, latency, pass.
    private static func actions(_ f: inout YAMLFields) throws(FixtureError) -> [Action] {
        var actions: [Action] = []
        if let node = f.optional("latency") {
            var l = try YAMLFields(node, what: "latency")
            var latency = Latency()
            latency.fixedMilliseconds = try l.optional("fixed_ms")?.int("latency.fixed_ms", in: 0...Limits.milliseconds) ?? 0
            latency.jitterMilliseconds = try l.optional("jitter_ms")?.int("latency.jitter_ms", in: 0...Limits.milliseconds) ?? 0
            latency.firstTokenMilliseconds = try l.optional("first_token_ms")?.int("latency.first_token_ms", in: 0...Limits.milliseconds) ?? 0
            latency.betweenChunksMilliseconds = try l.optional("between_chunks_ms")?.int("latency.between_chunks_ms", in: 0...Limits.milliseconds)
            try l.rejectUnknown()
            actions.append(.latency(latency))
        }
        if let node = f.optional("error") {
            let name = node.isScalar ? try node.string("error") : nil
            actions.append(.error(name: name, try error(node)))
        }
        if let node = f.optional("fault") {
            // `fault: stream-cut`, or `fault: {kind: stream-cut, after: 5}`.
            var after: Int?
            var kindNode = node
            if !node.isScalar {
                var k = try YAMLFields(node, what: "fault")
                kindNode = try k.required("kind")
                after = try k.optional("after")?.int("fault.after", in: 0...Limits.count)
                try k.rejectUnknown()
            }
            let name = try kindNode.string("fault")
            guard let fault = Fault(rawValue: name) else {
                throw kindNode.error("unknown fault '\(name)' (known: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            actions.append(.fault(fault, after: after))
        }
        if let node = f.optional("reply") {
            var usage: ReplyRule.FixedUsage?
            if let usageNode = f.optional("usage") {
                var u = try YAMLFields(usageNode, what: "usage")
                usage = ReplyRule.FixedUsage(promptTokens: try u.optional("prompt_tokens")?.int("usage.prompt_tokens", in: 0...Limits.tokens),
                                             completionTokens: try u.optional("completion_tokens")?.int("usage.completion_tokens", in: 0...Limits.tokens))
                try u.rejectUnknown()
            }
            actions.append(.reply(ReplyRule(name: "scenario reply", modelID: nil, lastUser: nil, reply: try node.string("reply"),
                                            toolCall: nil, usage: usage)))
        }
        if let node = f.optional("pass") {
            if try node.bool("pass") { actions.append(.pass) }
        }
        return actions
    }

    /// `error: rate-limit` (a catalog name) or `error: {status: 429, message: …, type: …, code: …}`.
    private static func error(_ node: YAMLDocument) throws(FixtureError) -> APIError {
        if node.isScalar {
            let name = try node.string("error")
            guard let error = ErrorCatalog.error(named: name, flavor: .openai, model: "{model}") else {
                throw node.error("unknown error '\(name)' (known: \(ErrorCatalog.names.map(\.name).joined(separator: ", ")))")
            }
            return error
        }
        var e = try YAMLFields(node, what: "error")
        let status = try e.required("status").int("error.status", in: 400...599)
        var error = ErrorCatalog.error(status: status, flavor: .openai, model: "{model}")
            ?? APIError(status: status, type: "api_error", code: nil, param: nil, message: "Simulated error \(status).")
        if let message = try e.optional("message")?.string("error.message") { error.message = message }
        if let type = try e.optional("type")?.string("error.type") { error.type = type }
        if let code = try e.optional("code")?.string("error.code") { error.code = code }
        try e.rejectUnknown()
        return error
    }
}
