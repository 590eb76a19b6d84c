import UnderstudyContract

/// Everything a server learns while it runs, behind one seam: occurrence counters, stored
/// records (responses, chat completions, conversations), scenario counts, rate-limit windows,
/// the journal and the log of admin changes. Two implementations: `MemoryState` (the default,
/// one process) and a Redis-backed one (`serve --state redis://…`) that several replicas share,
/// so that they answer as one server would. The engine does not know which it has.
///
/// Calls are synchronous: the in-memory state answers under a lock; a remote state waits for its
/// round trip, so a server with one runs the engine off its event loops. A state that cannot be
/// reached throws `APIError.stateUnavailable` (a 503 in the provider's envelope).
public protocol ServerState: Sendable {
    /// How many times `key` was counted before in `space`; counts this time.
    func nextOccurrence(_ key: UInt64, in space: OccurrenceSpace) throws(APIError) -> Int

    /// Counts a match of the scenario rule `rule` added by admin change `generation` (0: from the
    /// fixtures); returns the count including this one.
    func scenarioHit(rule: String, generation: Int) throws(APIError) -> Int

    /// Admits one request in a rate-limit window if it is under `limits`, and returns the window
    /// as it stands (with `admitted` false and nothing counted when it is over).
    func admit(_ window: RateWindow.Key, limits: RateLimiter.Limits) throws(APIError) -> RateWindow
    /// Adds a served answer's tokens to its window; returns the window as it stands.
    func addTokens(_ tokens: Int, to window: RateWindow.Key) throws(APIError) -> RateWindow
    /// The windows of `minute` (the clock's current one), by API key, sorted, at most `limit`:
    /// what the dashboard shows in force.
    func rateWindows(minute: Int64, limit: Int) throws(APIError) -> [(apiKey: String, window: RateWindow)]

    /// Appends to the journal, numbering the entry (its `sequence` is replaced). Never fails the
    /// request: a journal that cannot be written loses the entry.
    func record(_ entry: consuming JournalEntry)
    /// The newest `limit` entries, oldest first.
    func journal(limit: Int) throws(APIError) -> [JournalEntry]
    /// How many entries the journal keeps.
    var journalCapacity: Int { get }

    func put<Record: StoredRecord>(_ record: Record) throws(APIError)
    /// The record, after applying `change` (which may run more than once when replicas race);
    /// nil if unknown. Counts as a use for the least-recently-used bound.
    func use<Record: StoredRecord>(_ type: Record.Type, _ id: String, change: ((inout Record) -> Void)?) throws(APIError) -> Record?
    func delete<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws(APIError) -> Bool
    /// Every record of the type, oldest first.
    func all<Record: StoredRecord>(_ type: Record.Type) throws(APIError) -> [Record]

    /// The admin changes a server that has applied the first `count` has still to apply (or, when
    /// the log was compacted since, all of it to replay from the start).
    func adminChanges(after count: Int) throws(APIError) -> AdminLogRead
    /// Appends an admin change, dropping those it makes unnecessary (`AdminLogCompaction`);
    /// returns its number.
    func append(_ change: AdminChange) throws(APIError) -> Int

    /// Forgets everything learnt except the admin log: counters, records, windows, journal.
    func reset() throws(APIError)

    /// Whether calls wait on the network (so must not run on an event loop).
    var waitsOnNetwork: Bool { get }
}

extension ServerState {
    public var waitsOnNetwork: Bool { false }

    func use<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws(APIError) -> Record? {
        try use(type, id, change: nil)
    }
}

/// Which counter an occurrence belongs to.
public enum OccurrenceSpace: String, Sendable {
    /// Requests by canonical hash: what makes a repeat get a new id.
    case request
    /// Recordings served under `--replay`, by request key.
    case replay
}

/// Something the state keeps by id, within a count and byte limit: a value the engine made, with
/// its own encoding for a state outside the process.
public protocol StoredRecord: Sendable {
    /// The store's name (a key prefix for a remote state).
    static var kind: String { get }
    var id: String { get }
    /// What the record holds in memory, for the byte limit: what is resident, not its JSON text.
    var bytes: Int { get }
    func encoded() -> [UInt8]
    init?(encoded: [UInt8])
    /// Whether the in-process state keeps the record as `encoded()`, decoded on every read: for
    /// a record whose values cost many times their text once parsed (a stored response's request
    /// with its tools and schemas). False for records that hold themselves as text already.
    static var heldEncoded: Bool { get }
}

extension StoredRecord {
    public static var heldEncoded: Bool { false }
}

/// One fixed one-minute rate-limit window of an API key, and what it has counted.
public struct RateWindow: Sendable, Equatable {
    public struct Key: Sendable, Hashable {
        public var apiKey: String
        /// Unix minute of the server clock.
        public var minute: Int64

        public init(apiKey: String, minute: Int64) {
            self.apiKey = apiKey
            self.minute = minute
        }
    }

    public var requests: Int
    public var tokens: Int
    /// Whether the request that asked was let in.
    public var admitted: Bool

    public init(requests: Int, tokens: Int, admitted: Bool) {
        self.requests = requests
        self.tokens = tokens
        self.admitted = admitted
    }
}

/// What the admin API changes, replayed in order by every server sharing the state.
public enum AdminChange: Sendable, Equatable {
    /// A scenarios document (YAML or JSON) whose rules were added (a rule of the same name replaced).
    case addScenarios(String)
    /// The rule of that name removed, or every rule for nil.
    case removeScenarios(String?)
    /// The clock set (nil: back to the configured one).
    case setClock(ServerClock?)
    /// A reset: counters and stores were cleared, the clock set back.
    case reset
}

extension APIError {
    /// The admin log holds all it may (`recorded`, e.g. "10000 admin changes"): the admin API
    /// refuses further changes rather than let the state grow.
    public static func adminLogFull(_ recorded: String) -> APIError {
        APIError(status: 507, type: "invalid_request_error", code: "admin_log_full", param: nil,
                 message: "The state holds \(recorded) already; start afresh (a new server, or a new --state-prefix) to change scenarios further.")
    }

    /// The shared state (Redis) cannot be reached and `--state-failure closed` is in force.
    public static func stateUnavailable(_ detail: String) -> APIError {
        APIError(status: 503, type: "service_unavailable_error", code: "state_unavailable", param: nil,
                 message: "The server's shared state is unavailable (\(detail)). Please try again later.")
    }
}
