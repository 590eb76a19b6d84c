import UnderstudyContract

/// A canned answer from fixtures/replies.yaml: when the request fits `match`, the assistant says
/// `reply` (or makes `tool_call`, when the client offers that tool), optionally with fixed usage.
public struct ReplyRule: Sendable {
    public var name: String
    /// A catalog model id; the rule applies to requests naming this model by any alias.
    public var modelID: String?
    public var lastUser: Pattern?
    /// The assistant's text (when the client's tools are not called).
    public var reply: String?
    /// A function call to make instead, when the client offers a tool of this name.
    public var toolCall: FixedCall?
    public var usage: FixedUsage?

    public struct FixedCall: Sendable, Equatable {
        public var name: String
        /// The arguments as JSON text.
        public var arguments: String
    }

    public struct FixedUsage: Sendable, Equatable {
        public var promptTokens: Int?
        public var completionTokens: Int?
    }

    /// The fixture's pattern, compiled at load.
    public typealias Pattern = UnderstudyContract.Pattern

    func matches(model: ModelInfo, lastUserText: String) -> Bool {
        if let modelID, modelID != model.id { return false }
        if let lastUser, !lastUser.matches(lastUserText) { return false }
        return true
    }
}

extension ReplyRule {
    /// Reads fixtures/replies.yaml: a top-level `replies:` list.
    static func parseAll(yaml text: String, file: String, catalog: ModelCatalog) throws(FixtureError) -> [ReplyRule] {
        let document = try YAMLDocument.parse(text, file: file)
        var top = try YAMLFields(document, what: "replies.yaml")
        let list = try top.optional("replies")?.sequence("replies") ?? []
        try top.rejectUnknown()
        var rules: [ReplyRule] = []
        for (i, entry) in list.enumerated() {
            var f = try YAMLFields(entry, what: "a reply rule")
            let name = try f.optional("name")?.string("name") ?? "rule \(i + 1)"
            var modelID: String?
            var pattern: Pattern?
            if let match = f.optional("match") {
                var m = try YAMLFields(match, what: "match")
                if let modelNode = m.optional("model") {
                    let model = try modelNode.string("match.model")
                    guard let info = catalog.model(named: model) else {
                        throw modelNode.error("match.model '\(model)' is not in the model catalog")
                    }
                    modelID = info.id
                }
                if let regexNode = m.optional("last_user") {
                    let source = try regexNode.string("match.last_user")
                    do {
                        pattern = try Pattern(source)
                    } catch {
                        throw regexNode.error("match.last_user is not a valid regular expression: \(error)")
                    }
                }
                try m.rejectUnknown()
            }
            let reply = try f.optional("reply")?.string("reply")
            var toolCall: FixedCall?
            if let callNode = f.optional("tool_call") {
                var c = try YAMLFields(callNode, what: "tool_call")
                let name = try c.required("name").string("tool_call.name")
                let arguments = c.optional("arguments").map { $0.json() } ?? .object([:])
                try c.rejectUnknown()
                toolCall = FixedCall(name: name, arguments: arguments.jsonString)
            }
            guard reply != nil || toolCall != nil else { throw entry.error("a reply rule needs 'reply' or 'tool_call'") }
            var usage: FixedUsage?
            if let usageNode = f.optional("usage") {
                var u = try YAMLFields(usageNode, what: "usage")
                usage = FixedUsage(
                    promptTokens: try u.optional("prompt_tokens")?.int("usage.prompt_tokens", in: 0...ScenarioRule.Limits.tokens),
                    completionTokens: try u.optional("completion_tokens")?.int("usage.completion_tokens", in: 0...ScenarioRule.Limits.tokens)
                )
                try u.rejectUnknown()
            }
            try f.rejectUnknown()
            rules.append(ReplyRule(name: name, modelID: modelID, lastUser: pattern, reply: reply, toolCall: toolCall, usage: usage))
        }
        return rules
    }
}
