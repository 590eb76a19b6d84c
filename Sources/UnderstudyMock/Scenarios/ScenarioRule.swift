import UnderstudyContract

/// One rule of fixtures/scenarios.yaml: which requests it matches and what happens to them.
public struct ScenarioRule: Sendable {
    public var name: String
    public var match: Match
    /// Steps taken in turn on matching requests (a lone action is a one-step sequence); after the
    /// last, requests pass.
    public var steps: [Step]
    /// Act only on every Nth matching request.
    public var every: Int?
    /// Act with this probability, drawn from the seeded generator (reproducible).
    public var probability: Double?

    public struct Match: Sendable {
        public var path: String?
        public var model: String?
        /// An OpenRouter provider (for failing one provider of a model's fallbacks).
        public var provider: String?
        public var flavor: Flavor?
        public var headers: [(name: String, value: String)] = []
        public var apiKey: String?
        /// Body fields by JSON pointer: equal to a value, or matching a pattern.
        public var body: [(pointer: String, equals: JSONValue?, pattern: ReplyRule.Pattern?)] = []
        /// Only the Nth matching request (1-based).
        public var nth: Int?
    }

    public enum Action: Sendable {
        case pass
        /// A catalog error by name (worded per flavour when it fires), or an error with overrides.
        case error(name: String?, APIError)
        /// A fault, striking after `after` stream frames (default: `Fault.framesBefore`).
        case fault(Fault, after: Int?)
        /// Delay before answering; for streams, before the first frame and between frames.
        case latency(Latency)
        /// A canned answer (and usage), as a reply rule would give.
        case reply(ReplyRule)
    }

    public struct Latency: Sendable, Equatable {
        public var fixedMilliseconds = 0
        public var jitterMilliseconds = 0
        public var firstTokenMilliseconds = 0
        public var betweenChunksMilliseconds: Int?
    }

    public struct Step: Sendable {
        public var actions: [Action]
        public var times: Int
    }

    func matches(_ request: MockRequest, route: Route, flavor: Flavor, model: String?, provider: String? = nil,
                 body: () -> JSONValue?, catalog: ModelCatalog) -> Bool {
        if let path = match.path, path != request.path { return false }
        if let wanted = match.provider, wanted.lowercased() != (provider ?? "OpenAI").lowercased() { return false }
        if let wanted = match.model {
            guard let model, let info = catalog.model(named: model), catalog.model(named: wanted)?.id == info.id else { return false }
        }
        if let wanted = match.flavor, wanted != flavor { return false }
        for header in match.headers where request.header(header.name.lowercased()) != header.value { return false }
        if let key = match.apiKey, ScenarioRule.apiKey(of: request) != key { return false }
        if !match.body.isEmpty {
            guard let value = body() else { return false }
            for field in match.body {
                guard let found = JSONPointer.resolve(field.pointer, in: value) else { return false }
                if let equals = field.equals, found != equals { return false }
                if let pattern = field.pattern, !pattern.matches(found.stringValue ?? found.jsonString) { return false }
            }
        }
        return true
    }

    /// The key in `Authorization: Bearer …` or `api-key`.
    static func apiKey(of request: MockRequest) -> String? {
        if let bearer = request.header("authorization"), bearer.lowercased().hasPrefix("bearer ") { return String(bearer.dropFirst(7)) }
        return request.header("api-key")
    }
}
