import UnderstudyContract

/// The proxy's last exchanges and what the contract said of each, served at
/// `GET /__understudy/journal` (newest first, as the mock's journal).
final class ProxyJournal: Sendable {
    struct Entry: Sendable {
        var sequence: Int
        var method: String
        var path: String
        /// 0 when the upstream gave no answer.
        var status: Int
        var stream: Bool
        var violations: [String]
    }

    private let log = BoundedLog<Entry>(capacity: 500)

    func record(method: String, path: String, status: Int, stream: Bool, violations: [String]) {
        log.append { Entry(sequence: $0, method: method, path: path, status: status, stream: stream, violations: violations) }
    }

    /// Oldest first.
    var entries: [Entry] { log.newest(log.capacity) }

    func json() -> [UInt8] {
        let list = entries.reversed()
        var w = JSONWriter(capacity: 160 * list.count + 64)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data")
        w.beginArray()
        for e in list {
            w.beginObject()
            w.key("sequence"); w.int(e.sequence)
            w.key("method"); w.string(e.method)
            w.key("path"); w.string(e.path)
            w.key("status"); if e.status == 0 { w.null() } else { w.int(e.status) }
            w.key("stream"); w.bool(e.stream)
            w.key("violations"); w.beginArray(); for v in e.violations { w.string(v) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
