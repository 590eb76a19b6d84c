import UnderstudyContract

/// The last exchanges, for the admin API: what was asked, what was answered, which scenario
/// shaped it and, for OpenRouter fallbacks, every attempt.
final class Journal: Sendable {
    typealias Entry = JournalEntry

    private let log: BoundedLog<Entry>
    var capacity: Int { log.capacity }

    init(capacity: Int = 500) {
        log = BoundedLog(capacity: capacity)
    }

    func record(_ make: (Int) -> Entry) { log.append(make) }

    func reset() { log.reset() }

    /// The newest `limit` entries, oldest first.
    func entries(limit: Int) -> [Entry] { log.newest(limit) }

    /// The newest `limit` entries, newest first, as the admin API lists them.
    func json(limit: Int) -> [UInt8] {
        let list = log.newest(limit).reversed()
        var w = JSONWriter(capacity: 128 * list.count + 64)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data")
        w.beginArray()
        for e in list {
            w.beginObject()
            w.key("sequence"); w.int(e.sequence)
            w.key("at"); w.string(UTCDate.httpDate(e.at))
            w.key("method"); w.string(e.method)
            w.key("path"); w.string(e.path)
            w.key("status"); if e.status == 0 { w.null() } else { w.int(e.status) }
            w.key("flavor"); w.string(e.flavor.rawValue)
            w.key("scenario"); w.string(e.scenario)
            w.key("fault"); w.string(e.fault?.rawValue)
            w.key("attempts"); w.string(e.attempts)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

/// One exchange as the journal keeps it.
public struct JournalEntry: Sendable {
    public var sequence: Int
    /// Unix seconds, by the server clock.
    public var at: Int64
    public var method: String
    public var path: String
    /// 0 when no HTTP answer was given (a connection fault).
    public var status: Int
    public var flavor: Flavor
    /// The scenario rule that shaped the answer, if any.
    public var scenario: String?
    /// OpenRouter fallbacks: every attempt, `model@provider=status`.
    public var attempts: String?
    public var fault: Fault?
}
