import Synchronization
import UnderstudyContract

/// The state of one server process: everything in memory, each part bounded (the default).
public final class MemoryState: ServerState {
    private let requestOccurrences: OccurrenceCounter
    private let replayOccurrences: OccurrenceCounter
    private let hits = Mutex<[HitKey: Int]>([:])
    private let windows = Mutex<[String: (minute: Int64, window: RateWindow)]>([:])
    private let log: BoundedLog<JournalEntry>
    private let records: [String: BoundedLRU<HeldRecord>]
    private let admin = Mutex(AdminLog())
    /// Keys counted in rate-limit windows at most; past it the stale windows go (then all).
    static let windowKeyLimit = 100_000

    private struct HitKey: Hashable {
        var rule: String
        var generation: Int
    }

    /// - Parameters:
    ///   - recordLimit, recordByteLimit: how many records of each kind, and how many bytes, are
    ///     kept (least recently used go first).
    public init(recordLimit: Int = 1000, recordByteLimit: Int = 256 << 20, journalCapacity: Int = 500, occurrenceLimit: Int = 500_000) {
        requestOccurrences = OccurrenceCounter(limit: occurrenceLimit)
        replayOccurrences = OccurrenceCounter(limit: occurrenceLimit)
        log = BoundedLog(capacity: journalCapacity)
        var records: [String: BoundedLRU<HeldRecord>] = [:]
        for kind in [StoredResponse.kind, StoredChatCompletion.kind, StoredConversation.kind] {
            records[kind] = BoundedLRU(countLimit: recordLimit, byteLimit: recordByteLimit) { $0.bytes }
        }
        self.records = records
    }

    public func nextOccurrence(_ key: UInt64, in space: OccurrenceSpace) -> Int {
        switch space {
        case .request: requestOccurrences.next(key)
        case .replay: replayOccurrences.next(key)
        }
    }

    public func scenarioHit(rule: String, generation: Int) -> Int {
        hits.withLock { hits in
            let key = HitKey(rule: rule, generation: generation)
            let n = hits[key, default: 0] + 1
            hits[key] = n
            return n
        }
    }

    public func admit(_ key: RateWindow.Key, limits: RateLimiter.Limits) -> RateWindow {
        windows.withLock { windows in
            var window = current(key, in: &windows)
            window.admitted = !limits.isReached(by: window)
            if window.admitted { window.requests += 1 }
            windows[key.apiKey] = (key.minute, window)
            return window
        }
    }

    public func addTokens(_ tokens: Int, to key: RateWindow.Key) -> RateWindow {
        windows.withLock { windows in
            var window = current(key, in: &windows)
            window.tokens += tokens
            windows[key.apiKey] = (key.minute, window)
            return window
        }
    }

    public func rateWindows(minute: Int64, limit: Int) -> [(apiKey: String, window: RateWindow)] {
        let current = windows.withLock { $0.filter { $0.value.minute == minute } }
        return current.map { (apiKey: $0.key, window: $0.value.window) }.sorted { $0.apiKey < $1.apiKey }.prefix(limit).map { $0 }
    }

    private func current(_ key: RateWindow.Key, in windows: inout [String: (minute: Int64, window: RateWindow)]) -> RateWindow {
        if let (minute, window) = windows[key.apiKey], minute == key.minute { return window }
        if windows.count >= Self.windowKeyLimit {
            windows = windows.filter { $0.value.minute == key.minute }
            if windows.count >= Self.windowKeyLimit { windows.removeAll() }
        }
        return RateWindow(requests: 0, tokens: 0, admitted: true)
    }

    public func record(_ entry: consuming JournalEntry) {
        // Moved into the log: a copy per step was six retains and releases of its strings a request.
        log.append(entry) { $0.sequence = $1 }
    }

    public func journal(limit: Int) -> [JournalEntry] { log.newest(limit) }
    public var journalCapacity: Int { log.capacity }

    private func store<Record: StoredRecord>(_ type: Record.Type) -> BoundedLRU<HeldRecord> {
        guard let store = records[Record.kind] else { preconditionFailure("no store for \(Record.kind)") }
        return store
    }

    public func put<Record: StoredRecord>(_ record: Record) { store(Record.self).put(record.id, HeldRecord(record)) }

    public func use<Record: StoredRecord>(_ type: Record.Type, _ id: String, change: ((inout Record) -> Void)?) -> Record? {
        var changed: Record?
        let held = store(type).use(id) { value in
            guard let change, var record = value.take(Record.self) else { return }
            change(&record)
            value = HeldRecord(record)
            changed = record
        }
        return changed ?? held?.record(Record.self)
    }

    public func delete<Record: StoredRecord>(_ type: Record.Type, _ id: String) -> Bool { store(type).delete(id) }

    /// The bytes the records of a kind hold, as the byte limit counts them.
    func bytes<Record: StoredRecord>(of type: Record.Type) -> Int { store(type).bytes }

    public func all<Record: StoredRecord>(_ type: Record.Type) -> [Record] { store(type).values().compactMap { $0.record(Record.self) } }

    public func adminChanges(after count: Int) -> AdminLogRead {
        admin.withLock { $0.read(after: count) }
    }

    public func append(_ change: AdminChange) throws(APIError) -> Int {
        try admin.withLock { (log) throws(APIError) -> Int in try log.append(change) }
    }

    public func reset() {
        requestOccurrences.reset()
        replayOccurrences.reset()
        hits.withLock { $0.removeAll() }
        windows.withLock { $0.removeAll() }
        log.reset()
        for store in records.values { store.reset() }
    }
}
