#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

        public init() {}
    }

    let client: RedisClient
    let prefix: String
    let limits: Limits
    private let described: String

    public init(client: RedisClient, address: RedisAddress, prefix: String = "understudy", limits: Limits = Limits()) {
        self.client = client
        self.prefix = prefix
        self.limits = limits
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

    private func integer(_ value: RESPValue) throws(APIError) -> Int {
        guard let n = value.int else { throw .stateUnavailable("\(described) answered \(value) where a number was due") }
        return Int(n)
    }

    public func nextOccurrence(_ hash: UInt64, in space: OccurrenceSpace) throws(APIError) -> Int {
        let k = key("occ", space.rawValue, String(hash, radix: 16))
        let replies = try call([RedisCommand("INCR", k), RedisCommand("EXPIRE", k, limits.occurrenceSeconds)])
        return try integer(replies[0]) - 1
    }

    public func scenarioHit(rule: String, generation: Int) throws(APIError) -> Int {
        let k = key("hit", String(generation), rule)
        let replies = try call([RedisCommand("INCR", k), RedisCommand("EXPIRE", k, limits.recordSeconds)])
        return try integer(replies[0])
    }

    private func windowKey(_ window: RateWindow.Key) -> String { key("rate", String(window.minute), window.apiKey) }

    public func admit(_ window: RateWindow.Key, limits: RateLimiter.Limits) throws(APIError) -> RateWindow {
        let reply = try eval(RedisScripts.admit, keys: [windowKey(window)],
                             [limits.requestsPerMinute ?? 0, limits.tokensPerMinute ?? 0, 120])
        let n = reply.array?.compactMap(\.int) ?? []
        guard n.count == 3 else { throw .stateUnavailable("\(described) answered \(reply) to a rate-limit check") }
        return RateWindow(requests: Int(n[1]), tokens: Int(n[2]), admitted: n[0] == 1)
    }

    public func addTokens(_ tokens: Int, to window: RateWindow.Key) throws(APIError) -> RateWindow {
        let reply = try eval(RedisScripts.addTokens, keys: [windowKey(window)], [tokens, 120])
        let n = reply.array?.compactMap(\.int) ?? []
        guard n.count == 2 else { throw .stateUnavailable("\(described) answered \(reply) to a token count") }
        return RateWindow(requests: Int(n[0]), tokens: Int(n[1]), admitted: true)
    }

    /// Sent without waiting for the answer: Redis keeps the order of one connection's commands,
    /// so the journal still reads in the order requests were answered.
    public func record(_ entry: JournalEntry) {
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
                case "n": sequence = fields[i + 1].int.map(Int.init)
                case "e": data = fields[i + 1].bytes
                default: break
                }
            }
            if let sequence, let data, let entry = StateCoding.journalEntry(data, sequence: sequence) { entries.append(entry) }
        }
        return entries.reversed()
    }

    private func recordKey<Record: StoredRecord>(_ type: Record.Type, _ id: String) -> String { key("rec", Record.kind, id) }
    private func indexKey<Record: StoredRecord>(_ type: Record.Type) -> String { key("index", Record.kind) }

    public func put<Record: StoredRecord>(_ record: Record) throws(APIError) {
        _ = try eval(RedisScripts.put, keys: [recordKey(Record.self, record.id), indexKey(Record.self), key("index", Record.kind, "seq")],
                     [record.id, record.encoded(), limits.recordSeconds, limits.records, key("rec", Record.kind) + ":"])
    }

    public func use<Record: StoredRecord>(_ type: Record.Type, _ id: String, change: ((inout Record) -> Void)?) throws(APIError) -> Record? {
        let k = recordKey(type, id)
        // Optimistic: read with the version, change, write if the version still stands; a loser
        // backs off a random moment (only when it retries: timing, never output) and tries again.
        for attempt in 0..<100 {
            if attempt > 1 { usleep(UInt32.random(in: 50...(100 * UInt32(min(attempt, 20))))) }
            let replies = try call([RedisCommand("HMGET", k, "v", "d"), RedisCommand("EXPIRE", k, limits.recordSeconds)])
            guard let fields = replies[0].array, fields.count == 2, let version = fields[0].bytes, let data = fields[1].bytes else { return nil }
            guard var record = Record(encoded: data) else { throw .stateUnavailable("\(described) holds a \(Record.kind) this build cannot read") }
            guard let change else { return record }
            change(&record)
            switch try integer(try eval(RedisScripts.replace, keys: [k], [version, record.encoded(), limits.recordSeconds])) {
            case 1: return record
            case -1: return nil
            default: continue
            }
        }
        throw .stateUnavailable("\(described): \(Record.kind) \(id) kept changing under this server")
    }

    public func delete<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws(APIError) -> Bool {
        try integer(try eval(RedisScripts.delete, keys: [recordKey(type, id), indexKey(type)], [id])) > 0
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
            let written = try integer(try eval(RedisScripts.writeAdmin, keys: [key("admin"), key("admin", "meta")], arguments))
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
