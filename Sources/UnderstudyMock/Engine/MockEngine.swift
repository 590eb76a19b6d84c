import Synchronization
import UnderstudyContract

/// The fake provider: one request in, one response out. Pure apart from what it learns, which is
/// kept behind one seam (`ServerState`), and free of NIO, so every behaviour can be tested without
/// a socket.
///
/// The composition root: the configuration, the state, and what the stages and resources share.
/// The order of decisions is `Pipeline`; the resources and their routes are `RouteTable`.
public final class MockEngine: Sendable {
    public let configuration: MockConfiguration
    /// Everything learnt while running: in this process, or shared by replicas.
    let state: any ServerState
    /// The rules and clock in force: the fixtures' with the state's admin changes applied.
    let scenarioBook: ScenarioBook
    let rateLimiter: RateLimiter?
    let synthesizer: ChatSynthesizer
    /// Answers to repeatable requests, kept as templates (not under `--timing realistic`: a
    /// repeat served from a template would skip its generation time).
    let templates: ResponseTemplateCache?
    /// The generations each model is running, for `--timing realistic` (each server its own: a
    /// replica stands for one more provider machine).
    let generationSlots = GenerationSlots()
    /// Request-borne schemas (structured outputs, function parameters), compiled once each.
    let inlineSchemas = InlineSchemas()
    /// Requests are checked as the live API reads them (Dialect.swift).
    let validator = SchemaValidator().forRequests
    /// Answers are checked as the SDKs read them (Dialect.swift).
    let answerValidator = SchemaValidator().forResponses
    private let selfCheckLog = Mutex<[String]>([])
    /// Request bodies parsed so far: at most one parse per request (RequestContext).
    let bodyParses = BodyParseCount()

    public init(configuration: MockConfiguration) {
        self.configuration = configuration
        self.synthesizer = ChatSynthesizer(replies: configuration.fixtures.replies)
        self.templates = configuration.cacheRepeatableResponses && configuration.timing == .off ? ResponseTemplateCache() : nil
        self.state = configuration.state
            ?? MemoryState(recordLimit: configuration.responseStoreLimit, recordByteLimit: configuration.storeByteLimit)
        self.scenarioBook = ScenarioBook(rules: configuration.fixtures.scenarios, seed: configuration.seed)
        self.rateLimiter = configuration.rateLimits.map(RateLimiter.init(limits:))
    }

    public func respond(to request: MockRequest) -> MockResponse {
        Pipeline.respond(to: request, engine: self)
    }

    /// The bytes the repeat cache holds, and its limit (tests).
    var templateBytes: (held: Int, limit: Int)? { templates.map { ($0.bytes, $0.byteLimit) } }

    /// Whether answering waits on the network (a shared state): the server then calls
    /// `respond(to:)` off its event loops.
    public var waitsOnNetwork: Bool { state.waitsOnNetwork }

    /// Self-check findings so far (with `selfCheck`): every response that broke the contract.
    public var selfCheckViolations: [String] { selfCheckLog.withLock { $0 } }

    func logSelfCheck(_ findings: [String]) {
        selfCheckLog.withLock { log in
            if log.count < 1000 { log += findings }
        }
    }

    /// Unix seconds now, by the admin-set clock or the configured one.
    public func now() -> Int64 {
        (scenarioBook.clock ?? configuration.clock).now()
    }

    func nextOccurrence(_ hash: UInt64) throws(APIError) -> Int { try state.nextOccurrence(hash, in: .request) }

    /// Applies the admin changes other servers sharing the state made since the last request.
    /// A state out of reach changes nothing here: the answer finds out for itself.
    func catchUp() {
        let applied = scenarioBook.applied
        if let read = try? state.adminChanges(after: applied), read.last > applied { scenarioBook.apply(read) }
    }

    /// Records an admin change in the state and applies it here at once (other servers sharing
    /// the state apply it with their next request).
    func change(_ change: AdminChange) throws(APIError) {
        _ = try state.append(change)
        catchUp()
    }

    /// Forgets everything learnt since start: occurrences, templates, stored responses and
    /// completions, conversations, scenario counts, rate-limit windows, the journal and an
    /// admin-set clock. The scenario rules stay.
    func reset() throws(APIError) {
        try state.reset()
        templates?.reset()
        generationSlots.reset()
        try change(.reset)
    }

    /// Counts a scenario rule's match in the state.
    func hit(_ active: ScenarioBook.ActiveRule) throws(APIError) -> Int {
        try state.scenarioHit(rule: active.rule.name, generation: active.generation)
    }

    /// An error answer in the flavour's envelope; the server uses it for errors it finds itself
    /// (oversized bodies, unparseable HTTP).
    public func errorResponse(_ error: APIError, flavor: Flavor, requestID: String? = nil) -> MockResponse {
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let requestID { headers.append(("x-request-id", requestID)) }
        headers.append(("openai-version", "2020-10-01"))
        headers.append(contentsOf: error.headers.map { (name: $0.0, value: $0.1) })
        return MockResponse(status: error.status, headers: headers, body: .bytes(flavor.errorBody(error)))
    }

    /// Which flavour a path speaks, for errors the server raises before routing.
    public func flavor(forPath path: String) -> Flavor {
        path.hasPrefix("/api/") ? .openrouter : .openai
    }

    func requestID(_ hash: UInt64) -> String {
        var rng = SplitMix64(seed: hash)
        return rng.hex(32, after: "req_")
    }

    func json(_ status: Int, _ body: [UInt8]) -> MockResponse {
        MockResponse(status: status, headers: [("content-type", "application/json")], body: .bytes(body))
    }

    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingWhitespace().lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }
}
