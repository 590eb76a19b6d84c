import UnderstudyContract

/// One operation in the route table: method, path template, name, and the resource's answer.
/// A class: every request's route refers to its entry rather than copying it.
public final class RouteEntry: Sendable {
    /// What a route belongs to: which contract must have it, and whether the API's rules
    /// (scenarios, triggers, access, journal) apply.
    enum Family: Sendable, Equatable {
        case chat, completions, responses, embeddings, models
        /// Health and the contract itself.
        case service
        case admin

        var isAPI: Bool { self != .service && self != .admin }
    }

    typealias SchemaPath = KeyPath<OpenAIContract, Schema?> & Sendable
    /// The resource's answer to a request routed here.
    typealias Answer = @Sendable (MockEngine, RequestContext) throws(APIError) -> MockResponse

    let method: String
    let template: PathTemplate
    /// OpenAI's operation id: the metrics label and the journal's route.
    public let name: String
    let family: Family
    /// Counted by rate limits (chat and Responses create).
    let isCompletion: Bool
    /// The schema a 200 answer is self-checked against (nil: not checked), and the stream's
    /// events' (chat chunks when nil).
    let schema: SchemaPath?
    let eventSchema: SchemaPath?
    let answer: Answer

    /// - Parameter path: under the API's base paths (/v1 and OpenRouter's /api/v1), or from the
    ///   root when it starts with `/`; `{name}` is a parameter, `{name...}` the rest of the path.
    init(_ method: String, _ path: String, _ name: String, _ family: Family, completion: Bool = false,
         schema: SchemaPath? = nil, events: SchemaPath? = nil,
         _ answer: @escaping Answer) {
        self.method = method
        self.template = PathTemplate(path)
        self.name = name
        self.family = family
        self.isCompletion = completion
        self.schema = schema
        self.eventSchema = events
        self.answer = answer
    }
}

/// A path template: literal segments and parameters, the last of which may take the rest of the
/// path (`models/{model...}`: a provider's `openai/gpt-4o`; `{rest*}` may also be empty).
struct PathTemplate: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter
        case rest(orEmpty: Bool)
    }

    let segments: [Segment]
    /// From the root (`/health`), not under the API's base paths.
    let rooted: Bool
    /// Literal segments count first when two templates match one path (`responses/compact`
    /// before `responses/{id}`).
    let literalCount: Int

    init(_ path: String) {
        rooted = path.hasPrefix("/")
        segments = path.split(separator: "/").map { part in
            if part.hasSuffix("...}") { return .rest(orEmpty: false) }
            if part.hasSuffix("*}") { return .rest(orEmpty: true) }
            if part.hasPrefix("{") { return .parameter }
            return .literal(String(part))
        }
        literalCount = segments.filter { if case .literal = $0 { return true }; return false }.count
    }

    /// The parameters, if `parts` (the path's segments) fit this template; empty parameters
    /// never fit.
    func match(_ parts: [Substring]) -> [String]? {
        var parameters: [String] = []
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard i < parts.count, parts[i] == text else { return nil }
            case .parameter:
                guard i < parts.count, !parts[i].isEmpty else { return nil }
                parameters.append(String(parts[i]))
            case .rest(let orEmpty):
                guard i < parts.count else { return nil }
                let rest = parts[i...].joined(separator: "/")
                guard orEmpty || !rest.isEmpty else { return nil }
                return parameters + [rest]
            }
        }
        return parts.count == segments.count ? parameters : nil
    }
}
