import Logging
import Synchronization
import UnderstudyMock

/// `--state-failure open`: the shared state while it answers; while it does not, this server's
/// own memory, so clients keep being served (alone: what other replicas learn meanwhile is not
/// seen here, nor the other way). Each change of course is logged once; Redis is tried again on
/// every call (its client fails fast between reconnection attempts), so service comes back
/// without a restart.
public final class FailOpenState: ServerState {
    private let shared: any ServerState
    private let local: MemoryState
    private let logger: Logger
    private let down = Mutex(false)

    public init(shared: any ServerState, local: MemoryState, logger: Logger) {
        self.shared = shared
        self.local = local
        self.logger = logger
    }

    public var waitsOnNetwork: Bool { shared.waitsOnNetwork }
    public var journalCapacity: Int { shared.journalCapacity }

    /// Sets whether the shared state is away; returns whether it was.
    private func wasDown(becoming now: Bool) -> Bool {
        down.withLock { down in
            let was = down
            down = now
            return was
        }
    }

    /// The shared state's answer, or the local one while it is unavailable. An answer that is
    /// not about availability (a record too large for Redis) is the client's: passed on.
    private func either<T>(_ call: (any ServerState) throws(APIError) -> T) throws(APIError) -> T {
        do {
            let value = try call(shared)
            if wasDown(becoming: false) {
                logger.notice("shared state is back; answering from it again (what was learnt meanwhile stays local)")
            }
            return value
        } catch where error.code != APIError.stateUnavailable("").code {
            throw error
        } catch {
            if !wasDown(becoming: true) {
                logger.error("shared state unavailable; answering from this server's memory until it returns",
                             metadata: ["error": "\(error.message)"])
            }
            // MemoryState throws only from `append`, which never comes here.
            return try! call(local)
        }
    }

    public func nextOccurrence(_ key: UInt64, in space: OccurrenceSpace) throws(APIError) -> Int { try either { s throws(APIError) in try s.nextOccurrence(key, in: space) } }
    public func scenarioHit(rule: String, generation: Int) throws(APIError) -> Int { try either { s throws(APIError) in try s.scenarioHit(rule: rule, generation: generation) } }
    public func admit(_ window: RateWindow.Key, limits: RateLimiter.Limits) throws(APIError) -> RateWindow { try either { s throws(APIError) in try s.admit(window, limits: limits) } }
    public func addTokens(_ tokens: Int, to window: RateWindow.Key) throws(APIError) -> RateWindow { try either { s throws(APIError) in try s.addTokens(tokens, to: window) } }
    public func rateWindows(minute: Int64, limit: Int) throws(APIError) -> [(apiKey: String, window: RateWindow)] {
        try either { s throws(APIError) in try s.rateWindows(minute: minute, limit: limit) }
    }
    public func record(_ entry: consuming JournalEntry) {
        if down.withLock({ $0 }) { local.record(entry) } else { shared.record(entry) }
    }
    public func journal(limit: Int) throws(APIError) -> [JournalEntry] { try either { s throws(APIError) in try s.journal(limit: limit) } }
    public func put<Record: StoredRecord>(_ record: Record) throws(APIError) { try either { s throws(APIError) in try s.put(record) } }
    public func use<Record: StoredRecord>(_ type: Record.Type, _ id: String, change: ((inout Record) -> Void)?) throws(APIError) -> Record? {
        try either { s throws(APIError) in try s.use(type, id, change: change) }
    }
    public func delete<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws(APIError) -> Bool { try either { s throws(APIError) in try s.delete(type, id) } }
    public func all<Record: StoredRecord>(_ type: Record.Type) throws(APIError) -> [Record] { try either { s throws(APIError) in try s.all(type) } }
    /// Admin changes are numbered in the shared log: none are seen, and none made, while it is away.
    public func adminChanges(after count: Int) -> AdminLogRead { (try? shared.adminChanges(after: count)) ?? AdminLogRead(last: count) }
    public func append(_ change: AdminChange) throws(APIError) -> Int { try shared.append(change) }
    public func reset() throws(APIError) { try either { s throws(APIError) in try s.reset() } }
}
