import UnderstudyContract

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

    public init(sequence: Int, at: Int64, method: String, path: String, status: Int, flavor: Flavor, scenario: String?,
                attempts: String?, fault: Fault?) {
        self.sequence = sequence
        self.at = at
        self.method = method
        self.path = path
        self.status = status
        self.flavor = flavor
        self.scenario = scenario
        self.attempts = attempts
        self.fault = fault
    }
}

extension JournalEntry {
    /// Entries (oldest first) as the admin API lists them: newest first.
    static func json(_ entries: [JournalEntry]) -> [UInt8] {
        var w = JSONWriter(capacity: 128 * entries.count + 64)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data")
        w.beginArray()
        for e in entries.reversed() {
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
