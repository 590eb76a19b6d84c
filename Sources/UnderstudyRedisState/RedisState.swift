#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import UnderstudyContract
import UnderstudyMock
import UnderstudyRedis

/// The state in Redis, shared by every server pointed at the same Redis and prefix: replicas
/// behind a load balancer then answer as one server would. Counters are INCRs, decisions that
/// read and write are Lua scripts (`RedisScripts`), records are hashes with a version (a change
/// is written only if nobody wrote since it was read, else read and tried again), the journal is
/// a stream capped at its capacity, and the admin changes a list every server replays.
///
/// Calls wait for their round trip, so the server runs the engine off its event loops.
///
/// What Redis answers is read like client input: a count outside what a server could have
/// written (a poisoned key, a hostile or broken Redis) is a logged 503, never a number that
/// overflows further on; a record is refused before it is written when it is larger than
/// `Limits.recordBytes`, so that no single EVAL holds the shared connection for long.
public final class RedisState: ServerState {
    public struct Limits: Sendable {
        /// Records of each kind kept (the oldest created go first), and how long one lives unused.
        public var records = 1000
        public var recordSeconds = 7 * 86_400
        /// How long a request's occurrence count lives unseen (then it counts from 0 again).
        public var occurrenceSeconds = 6 * 3600
        public var journal = 500
        /// Admin changes kept before the admin API refuses more.
        public var adminChanges = 10_000
        /// The largest record written, encoded: well under what the connection moves within its
        /// timeout, so one conversation near the memory store's cap cannot stall the others.
        public var recordBytes = 32 << 20

        public init() {}
    }

    let client: RedisClient
    let prefix: String
    let limits: Limits
    private let described: String
    private let logger: Logger?

    /// The largest count read back (occurrences, scenario hits, rate windows, journal numbers):
    /// far above what any server counts, far below what overflows when added to or subtracted from.
    static let countLimit: Int64 = 1 << 53

    public init(client: RedisClient, address: RedisAddress, prefix: String = "understudy", limits: Limits = Limits(), logger: Logger? = nil) {
        self.client = client
        self.prefix = prefix
        self.limits = limits
        self.logger = logger
        self.described = "Redis at \(address)"
    }

    public var waitsOnNetwork: Bool { true }
    public var journalCapacity: Int { limits.journal }

    private func key(_ parts: String...) -> String { ([prefix] + parts).joined(separator: ":") }

    /// The replies, or the 503 a state out of reach answers with.
    private func call(_ commands: [RedisCommand]) throws(APIError) -> [RESPValue] {
        let replies: [RESPValue]
        do {
            replies = try client.call(commands)
        } catch {
            throw .stateUnavailable(error.message)
        }
        for case .error(let message) in replies { throw .stateUnavailable("\(described) answered: \(message)") }
        return replies
    }

    private func call(_ command: RedisCommand) throws(APIError) -> RESPValue { try call([command])[0] }

    private func eval(_ script: String, keys: [String], _ arguments: [any RedisArgument]) throws(APIError) -> RESPValue {
        try call(Self.eval(script, keys: keys, arguments))
    }

    private static func eval(_ script: String, keys: [String], _ arguments: [any RedisArgument]) -> RedisCommand {
        RedisCommand(arguments: [Array("EVAL".utf8), Array(script.utf8), Array(String(keys.count).utf8)]
            + keys.map { Array($0.utf8) } + arguments.map(\.redisBytes))
    }

    /// The integer in `value` if it lies in `range`; else a logged 503 naming `what` was due.
    private func integer(_ value: RESPValue, in range: ClosedRange<Int64>, _ what: String) throws(APIError) -> Int {
        guard let n = value.int, range.contains(n) else { throw unreadable("\(Self.brief(value)) where \(what) in \(range) was due") }
        return Int(n)
    }

    /// The 503 for a value this server will not use, logged (it means someone else wrote there).
    private func unreadable(_ detail: String) -> APIError {
        logger?.error("shared state holds a value no server wrote", metadata: ["state": "\(described)", "detail": "\(detail)"])
        return .stateUnavailable("\(described) answered \(detail)")
    }

    /// A reply as a message may show it: a number, or at most 40 bytes of a string.
    static func brief(_ value: RESPValue) -> String {
        func quoted(_ bytes: [UInt8]) -> String {
            "'" + String(decoding: bytes.prefix(40), as: UTF8.self) + (bytes.count > 40 ? "…'" : "'")
        }
        switch value {
        case .integer(let n): return String(n)
        case .bulkString(let bytes?): return quoted(bytes)
        case .simpleString(let text): return quoted(Array(text.utf8))
        case .bulkString(nil), .array(nil): return "nil"
        case .array(let elements?): return "an array of \(elements.count)"
        case .error: return "an error"
        }
    }

    public func nextOccurrence(_ hash: UInt64, in space: OccurrenceSpace) throws(APIError) -> Int {
        let k = key("occ", space.rawValue, String(hash, radix: 16))
        let replies = try call([RedisCommand("INCR", k), RedisCommand("EXPIRE", k, limits.occurrenceSeconds)])
        return try integer(replies[0], in: 1...Self.countLimit, "an occurrence count") - 1
    }

    public func scenarioHit(rule: String, generation: Int) throws(APIError) -> Int {
        let k = key("hit", String(generation), rule)
        let replies = try call([RedisCommand("INCR", k), RedisCommand("EXPIRE", k, limits.recordSeconds)])
        return try integer(replies[0], in: 1...Self.countLimit, "a scenario hit count")
    }

    /// A rate window's counts, each in 0…countLimit (a 503 otherwise).
    private func window(_ reply: RESPValue, count: Int, _ what: String) throws(APIError) -> [Int] {
        guard let items = reply.array, items.count == count else { throw unreadable("\(Self.brief(reply)) to \(what)") }
        var numbers: [Int] = []
        for item in items { numbers.append(try integer(item, in: 0...Self.countLimit, "a count of \(what)")) }
        return numbers
    }

    private func windowKey(_ window: RateWindow.Key) -> String { key("rate", String(window.minute), window.apiKey) }

    public func admit(_ window: RateWindow.Key, limits: RateLimiter.Limits) throws(APIError) -> RateWindow {
        let reply = try eval(RedisScripts.admit, keys: [windowKey(window)],
                             [limits.requestsPerMinute ?? 0, limits.tokensPerMinute ?? 0, 120])
        let n = try self.window(reply, count: 3, "a rate-limit check")
        guard n[0] <= 1 else { throw unreadable("\(n[0]) where a rate-limit decision (0 or 1) was due") }
        return RateWindow(requests: n[1], tokens: n[2], admitted: n[0] == 1)
    }

    public func addTokens(_ tokens: Int, to window: RateWindow.Key) throws(APIError) -> RateWindow {
        let reply = try eval(RedisScripts.addTokens, keys: [windowKey(window)], [tokens, 120])
        let n = try self.window(reply, count: 2, "a token count")
        return RateWindow(requests: n[0], tokens: n[1], admitted: true)
    }

    public func rateWindows(minute: Int64, limit: Int) throws(APIError) -> [(apiKey: String, window: RateWindow)] {
        let prefix = key("rate", String(minute), "")
        guard let items = try eval(RedisScripts.windows, keys: [], [prefix + "*", limit]).array, items.count % 3 == 0 else {
            throw unreadable("a reply that is not key, requests, tokens triples to a listing of rate windows")
        }
        var windows: [(apiKey: String, window: RateWindow)] = []
        for i in stride(from: 0, to: items.count, by: 3) {
            guard let name = items[i].string, name.hasPrefix(prefix) else { continue }
            let n = try window(.array(Array(items[i + 1 ... i + 2])), count: 2, "a rate window")
            windows.append((String(name.dropFirst(prefix.count)), RateWindow(requests: n[0], tokens: n[1], admitted: true)))
        }
        return windows.sorted { $0.apiKey < $1.apiKey }
    }

    /// Sent without waiting for the answer: Redis keeps the order of one connection's commands,
    /// so the journal still reads in the order requests were answered.
    public func record(_ entry: consuming JournalEntry) {
        _ = client.send(Self.eval(RedisScripts.journal, keys: [key("journal"), key("journal", "seq")],
                                  [limits.journal, StateCoding.encode(entry)]))
    }

    public func journal(limit: Int) throws(APIError) -> [JournalEntry] {
        let reply = try call(RedisCommand("XREVRANGE", key("journal"), "+", "-", "COUNT", max(1, limit)))
        var entries: [JournalEntry] = []
        for item in reply.array ?? [] {
            guard let fields = item.array?.last?.array else { continue }
            var sequence: Int?
            var data: [UInt8]?
            for i in stride(from: 0, to: fields.count - 1, by: 2) {
                switch fields[i].string {
                case "n": sequence = try integer(fields[i + 1], in: 1...Self.countLimit, "a journal number")
                case "e": data = fields[i + 1].bytes
                default: break
                }
            }
            if let sequence, let data, let entry = StateCoding.journalEntry(data, sequence: sequence) {
                // A status and a time (up to the year 9999) a server could have written.
                guard (100...599).contains(entry.status), (0...253_402_300_799).contains(entry.at) else {
                    throw unreadable("a journal entry with status \(entry.status) at \(entry.at)")
                }
                entries.append(entry)
            }
        }
        return entries.reversed()
    }

    private func recordKey<Record: StoredRecord>(_ type: Record.Type, _ id: String) -> String { key("rec", Record.kind, id) }
    private func indexKey<Record: StoredRecord>(_ type: Record.Type) -> String { key("index", Record.kind) }

    public func put<Record: StoredRecord>(_ record: Record) throws(APIError) {
        let data = try bounded(record)
        _ = try eval(RedisScripts.put, keys: [recordKey(Record.self, record.id), indexKey(Record.self), key("index", Record.kind, "seq")],
                     [record.id, data, limits.recordSeconds, limits.records, key("rec", Record.kind) + ":"])
    }

    /// The record encoded, or a 413 when it is larger than a record in Redis may be (nothing is
    /// written: a conversation keeps the items it had).
    private func bounded<Record: StoredRecord>(_ record: Record) throws(APIError) -> [UInt8] {
        let data = record.encoded()
        guard data.count <= limits.recordBytes else {
            throw APIError(status: 413, type: "invalid_request_error", code: "record_too_large", param: nil,
                           message: "This would make \(Record.kind) \(record.id) \(data.count) bytes; a record in the server's shared state holds at most \(limits.recordBytes).")
        }
        return data
    }

    public func use<Record: StoredRecord>(_ type: Record.Type, _ id: String, change: ((inout Record) -> Void)?) throws(APIError) -> Record? {
        let k = recordKey(type, id)
        // Optimistic: read with the version, change, write if the version still stands; a loser
        // backs off a random moment (only when it retries: timing, never output) and tries again.
        for attempt in 0..<100 {
            if attempt > 1 { usleep(UInt32.random(in: 50...(100 * UInt32(min(attempt, 20))))) }
            let replies = try call([RedisCommand("HMGET", k, "v", "d"), RedisCommand("EXPIRE", k, limits.recordSeconds)])
            guard let fields = replies[0].array, fields.count == 2, let version = fields[0].bytes, let data = fields[1].bytes else { return nil }
            guard var record = Record(encoded: data) else { throw unreadable("a \(Record.kind) this build cannot read") }
            guard let change else { return record }
            change(&record)
            let changed = try bounded(record)
            switch try integer(try eval(RedisScripts.replace, keys: [k], [version, changed, limits.recordSeconds]), in: -1...1, "a compare-and-set outcome") {
            case 1: return record
            case -1: return nil
            default: continue
            }
        }
        throw .stateUnavailable("\(described): \(Record.kind) \(id) kept changing under this server")
    }

    public func delete<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws(APIError) -> Bool {
        try integer(try eval(RedisScripts.delete, keys: [recordKey(type, id), indexKey(type)], [id]), in: 0...1, "a deletion count") > 0
    }

    public func all<Record: StoredRecord>(_ type: Record.Type) throws(APIError) -> [Record] {
        let ids = try call(RedisCommand("ZRANGE", indexKey(type), 0, -1)).array?.compactMap(\.string) ?? []
        guard !ids.isEmpty else { return [] }
        let replies = try call(ids.map { RedisCommand("HGET", recordKey(type, $0), "d") })
        var records: [Record] = []
        var expired: [String] = []
        for (id, reply) in zip(ids, replies) {
            if let data = reply.bytes, let record = Record(encoded: data) { records.append(record) } else { expired.append(id) }
        }
        // Records that outlived their TTL leave the index when a listing finds them gone.
        if !expired.isEmpty {
            _ = try call(RedisCommand(arguments: [Array("ZREM".utf8), Array(indexKey(type).utf8)] + expired.map { Array($0.utf8) }))
        }
        return records
    }

    public func adminChanges(after count: Int) throws(APIError) -> AdminLogRead {
        try readAdmin(after: max(0, count))
    }

    /// The log after `applied` changes (-1: all of it), as `RedisScripts.readAdmin` reads it.
    private func readAdmin(after applied: Int) throws(APIError) -> AdminLogRead {
        let reply = try eval(RedisScripts.readAdmin, keys: [key("admin"), key("admin", "meta")], [applied])
        guard let parts = reply.array, parts.count >= 2, let last = parts[0].int.map(Int.init), let compacted = parts[1].int.map(Int.init),
              last >= 0, compacted >= 0, compacted <= last else { throw .stateUnavailable("\(described) answered \(reply) for the admin log") }
        var entries: [AdminLogEntry] = []
        for part in parts.dropFirst(2) {
            guard let bytes = part.bytes, let entry = StateCoding.adminEntry(bytes), entry.number <= last else {
                throw .stateUnavailable("\(described) holds an admin change this build cannot read")
            }
            entries.append(entry)
        }
        return AdminLogRead(entries: entries, fromStart: applied < compacted, last: last)
    }

    /// Read, compacted, written back only if nobody appended meanwhile (else read again).
    public func append(_ change: AdminChange) throws(APIError) -> Int {
        for attempt in 0..<16 {
            if attempt > 1 { usleep(UInt32.random(in: 50...(100 * UInt32(attempt)))) }
            let read = try readAdmin(after: -1)
            let number = read.last + 1
            let log = AdminLogCompaction.compacted(read.entries + [AdminLogEntry(number: number, change: change)])
            if log.count > limits.adminChanges && log.count > read.entries.count && !change.isClock {
                throw .adminLogFull("\(limits.adminChanges) admin changes")
            }
            let replaced = log.count < read.entries.count + 1
            let pushed = replaced ? log : [log[log.count - 1]]
            let arguments: [any RedisArgument] = [read.last, number, replaced ? 1 : 0] + pushed.map { StateCoding.encode($0) as any RedisArgument }
            let written = try integer(try eval(RedisScripts.writeAdmin, keys: [key("admin"), key("admin", "meta")], arguments), in: 0...1, "an admin log write outcome")
            if written == 1 { return number }
        }
        throw .stateUnavailable("\(described): the admin log kept changing under this server")
    }

    /// Deletes every key under the prefix but the admin log (the rules stay, as on one server).
    public func reset() throws(APIError) {
        var cursor = "0"
        let keep = [Array(key("admin").utf8), Array(key("admin", "meta").utf8)]
        repeat {
            let reply = try call(RedisCommand("SCAN", cursor, "MATCH", key("*"), "COUNT", 1000))
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
            cursor = next
            let keys = (parts[1].array ?? []).compactMap(\.bytes).filter { !keep.contains($0) }
            if !keys.isEmpty { _ = try call(RedisCommand(arguments: [Array("UNLINK".utf8)] + keys)) }
        } while cursor != "0"
    }
}
