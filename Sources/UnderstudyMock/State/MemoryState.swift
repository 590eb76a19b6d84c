import Synchronization
import UnderstudyContract

/// The state of one server process: everything in memory, each part bounded (the default).
public final class MemoryState: ServerState {
    private let requestOccurrences: OccurrenceCounter
    private let replayOccurrences: OccurrenceCounter
    private let hits = Mutex<[HitKey: Int]>([:])
    private let windows = Mutex<[String: (minute: Int64, window: RateWindow)]>([:])
    private let log: BoundedLog<JournalEntry>
    private let records: [String: BoundedLRU<any StoredRecord>]
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
        var records: [String: BoundedLRU<any StoredRecord>] = [:]
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

    private func current(_ key: RateWindow.Key, in windows: inout [String: (minute: Int64, window: RateWindow)]) -> RateWindow {
        if let (minute, window) = windows[key.apiKey], minute == key.minute { return window }
        if windows.count >= Self.windowKeyLimit {
            windows = windows.filter { $0.value.minute == key.minute }
            if windows.count >= Self.windowKeyLimit { windows.removeAll() }
        }
        return RateWindow(requests: 0, tokens: 0, admitted: true)
    }

    public func record(_ entry: JournalEntry) {
        log.append { sequence in
            var entry = entry
            entry.sequence = sequence
            return entry
        }
    }

    public func journal(limit: Int) -> [JournalEntry] { log.newest(limit) }
    public var journalCapacity: Int { log.capacity }

    private func store<Record: StoredRecord>(_ type: Record.Type) -> BoundedLRU<any StoredRecord> {
        guard let store = records[Record.kind] else { preconditionFailure("no store for \(Record.kind)") }
        return store
    }

    public func put<Record: StoredRecord>(_ record: Record) { store(Record.self).put(record.id, record) }

    public func use<Record: StoredRecord>(_ type: Record.Type, _ id: String, change: ((inout Record) -> Void)?) -> Record? {
        store(type).use(id) { value in
            guard let change, var record = value as? Record else { return }
            change(&record)
            value = record
        } as? Record
    }

    public func delete<Record: StoredRecord>(_ type: Record.Type, _ id: String) -> Bool { store(type).delete(id) }

    public func all<Record: StoredRecord>(_ type: Record.Type) -> [Record] { store(type).values().compactMap { $0 as? Record } }

    public func adminChanges(after count: Int) -> [AdminChange] {
        admin.withLock { log in count < log.changes.count ? Array(log.changes[max(0, count)...]) : [] }
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

/// The admin changes so far, bounded in bytes: a client posting scenarios in a loop gets an error
/// once they pass the limit, not a server that grows.
struct AdminLog {
    var changes: [AdminChange] = []
    var bytes = 0
    static let byteLimit = 16 << 20

    mutating func append(_ change: AdminChange) throws(APIError) -> Int {
        let size = change.bytes
        guard bytes + size <= Self.byteLimit else { throw .adminLogFull("\(Self.byteLimit >> 20) MB of admin changes") }
        changes.append(change)
        bytes += size
        return changes.count
    }
}

extension AdminChange {
    /// Roughly what the change holds.
    var bytes: Int {
        switch self {
        case .addScenarios(let text): 64 + text.utf8.count
        case .removeScenarios(let name): 64 + (name?.utf8.count ?? 0)
        case .setClock, .reset: 64
        }
    }
}

