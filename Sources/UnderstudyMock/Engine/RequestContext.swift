import Synchronization
import UnderstudyContract

/// One request as every stage and resource reads it: routed, its flavour decided, and its body
/// parsed at most once (on first use: a repeat served from the template cache never parses it).
struct RequestContext {
    let request: MockRequest
    let route: Route
    /// The provider to speak as: the X-Understudy-Flavor header, else OpenRouter for its base
    /// path (/api/v1), else the configured flavour.
    let flavor: Flavor
    private let parsed: ParsedBody
    /// Set by admission under `--rate-limit`: the key and instant a completion was admitted at,
    /// for its tokens to be counted once it is answered.
    var admitted: (key: String, now: Int64)?

    init(_ request: MockRequest, configuredFlavor: Flavor, parses: BodyParseCount) {
        self.request = request
        route = Route(method: request.method, path: request.path)
        if let named = request.header("x-understudy-flavor").flatMap(Flavor.init(rawValue:)) {
            flavor = named
        } else {
            flavor = route.flavor == .openrouter ? .openrouter : configuredFlavor
        }
        parsed = ParsedBody(parses)
    }

    /// The body as JSON; nil when it is not JSON.
    var body: JSONValue? { try? parsed.result(request.body).get() }

    /// The body as JSON, or the live API's 400 for a body that is not.
    func jsonBody() throws(APIError) -> JSONValue {
        switch parsed.result(request.body) {
        case .success(let value): return value
        case .failure(let error): throw .invalidJSON(error.description)
        }
    }

    /// The `model` the body names, if any.
    var model: String? { body?["model"]?.stringValue }

    /// The key in `Authorization: Bearer …` or `api-key`.
    var apiKey: String? { ScenarioRule.apiKey(of: request) }

    /// The request id an error answer carries: from the body and the path, so a repeat gets the same.
    var errorRequestHash: UInt64 { StableHash.hash(request.body, seed: StableHash.hash(request.path)) }
}

/// The parsed body, shared by every copy of a context (a stage may hand on a changed context).
private final class ParsedBody {
    private var parsed: Result<JSONValue, JSONParseError>?
    private let parses: BodyParseCount

    init(_ parses: BodyParseCount) { self.parses = parses }

    func result(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        if let parsed { return parsed }
        parses.add()
        let result = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(bytes) }
        parsed = result
        return result
    }
}

/// How many request bodies the engine has parsed (a test holds it to one per request).
final class BodyParseCount: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
