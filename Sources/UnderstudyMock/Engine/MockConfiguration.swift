import UnderstudyContract

/// How the engine behaves: the fixtures and contract, the seed and clock that fix its output,
/// pacing, and how strictly it checks traffic against the contract.
public struct MockConfiguration: Sendable {
    public var fixtures: Fixtures
    /// The provider to speak as by default (`--flavor`); the X-Understudy-Flavor header and the
    /// /api/v1 base path override it per request.
    public var flavor: Flavor = .openai
    /// The compiled specs/ (requests are validated against it; with `selfCheck`, responses too).
    public var contract: OpenAIContract?
    public var requestValidation: RequestValidation
    /// Validate every response body and stream chunk the engine produces against the contract.
    public var selfCheck: Bool
    /// Further contracts every answer is also checked against under `selfCheck` (the tests check
    /// the official document this way while serving under specs/openai.yaml).
    public var selfCheckAlso: [OpenAIContract] = []
    /// Mixed into every id and every generated text: another seed, another (still reproducible) run.
    public var seed: UInt64
    public var clock: ServerClock
    /// Pause between SSE frames, in nanoseconds (0: as fast as the socket takes them).
    public var streamIntervalNanoseconds: Int64
    /// `--timing`: off (answers as fast as the socket takes them, or `streamIntervalNanoseconds`
    /// apart), or each model's time to first token, rate, jitter, bursts and capacity.
    public var timing: TimingMode = .off
    /// Serve repeats of repeatable completions from a template (same bytes, less work).
    public var cacheRepeatableResponses: Bool
    /// Requests and tokens per minute per API key (`--rate-limit`); nil: unlimited.
    public var rateLimits: RateLimiter.Limits?
    /// Recorded exchanges to serve (`--replay DIR`), before anything is synthesised.
    public var replay: ReplayBook?
    /// The admin API under /__understudy/: off, open, or behind a bearer token.
    public var admin: AdminAccess = .open
    /// API keys (`--api-keys`); nil: any key, or none, is accepted.
    public var access: Access?
    /// How many stored responses (Responses API, `store: true`), and separately stored chat
    /// completions and conversations, are kept; least recently used go.
    public var responseStoreLimit: Int = 1000
    /// Bytes each store (responses, chat completions, conversations) may hold in all
    /// (the least recently used go first).
    public var storeByteLimit: Int = 256 << 20
    /// Where what the server learns is kept (`--state`); nil: in this process, within the limits above.
    public var state: (any ServerState)?

    public init(fixtures: Fixtures, contract: OpenAIContract? = nil, requestValidation: RequestValidation = .strict,
                selfCheck: Bool = false, seed: UInt64 = 0, clock: ServerClock = .system, streamIntervalNanoseconds: Int64 = 0,
                cacheRepeatableResponses: Bool = true) {
        self.fixtures = fixtures
        self.contract = contract
        self.requestValidation = requestValidation
        self.selfCheck = selfCheck
        self.seed = seed
        self.clock = clock
        self.streamIntervalNanoseconds = streamIntervalNanoseconds
        self.cacheRepeatableResponses = cacheRepeatableResponses
    }
}

/// Who may use the admin API. The CLI opens it on a loopback bind and requires a token beyond.
public enum AdminAccess: Sendable, Equatable {
    case off
    case open
    case token(String)
}
