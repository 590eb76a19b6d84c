import Synchronization
import UnderstudyContract

/// The exchanges kept for the dashboard: the newest ones whose bodies, frames and headers fit in
/// `byteLimit` (the oldest go first), and the pages watching (`DashboardFeed`), each sent every new
/// exchange's row. With no page open, adding an exchange costs its place in the ring and nothing
/// more. Each server keeps its own: replicas sharing a state show their own exchanges.
public final class DashboardRing: Sendable {
    /// The most the ring holds, in bytes (`DashboardExchange.cost`).
    public let byteLimit: Int
    /// Any one body (or a stream's frames) is cut to this, so a few large ones cannot push out the rest.
    let bodyLimit: Int
    static let scenarioLimit = 100

    /// An exchange as the ring keeps it: by reference, so that keeping, evicting and listing it
    /// never copy its twenty-odd fields, with its cost worked out once. Its id is set under the
    /// ring's lock before anyone else can see it; after that it does not change.
    final class Entry: @unchecked Sendable {
        var exchange: DashboardExchange
        let cost: Int

        init(_ exchange: consuming DashboardExchange) {
            cost = exchange.cost
            self.exchange = exchange
        }
    }

    private struct Contents {
        /// Oldest first; slots before `head` are evicted ones, dropped in bulk now and then.
        var slots: [Entry?] = []
        var head = 0
        var bytes = 0
        var nextID = 1
        var evicted = 0
        /// Exchanges each scenario shaped, since start (at most `scenarioLimit` names, then `other`).
        var scenarioHits: [String: Int] = [:]
        var feeds: [ObjectIdentifier: DashboardFeed] = [:]

        var count: Int { slots.count - head }
    }

    private let contents = Mutex(Contents())
    /// Frame bytes held by streams still being answered, all together: at most `inFlightLimit`.
    private let inFlight = Atomic<Int>(0)
    /// A quarter of the ring beside it: the dashboard holds at most 1.25 × `byteLimit` in all.
    var inFlightLimit: Int { byteLimit / 4 }

    public init(byteLimit: Int) {
        self.byteLimit = byteLimit
        bodyLimit = max(4096, min(1 << 20, byteLimit / 16))
    }

    /// Takes `count` bytes of a stream's frames in flight, if all streams' together stay within
    /// `inFlightLimit` (ten thousand streams of 16 KB each would otherwise hold 160 MB beside the ring).
    func reserveInFlight(_ count: Int) -> Bool {
        if inFlight.add(count, ordering: .relaxed).newValue <= inFlightLimit { return true }
        inFlight.subtract(count, ordering: .relaxed)
        return false
    }

    func releaseInFlight(_ count: Int) {
        inFlight.subtract(count, ordering: .relaxed)
    }

    var bytesInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Bytes held now (never more than `byteLimit`), and how many exchanges.
    public var held: (bytes: Int, exchanges: Int) { contents.withLock { ($0.bytes, $0.count) } }

    /// Keeps a finished exchange (evicting the oldest to make room) and sends its row to the pages watching.
    func add(_ exchange: consuming DashboardExchange) {
        let entry = Entry(exchange)
        let cost = entry.cost
        guard cost <= byteLimit else { return }  // a ring too small for even one: headers near their limit
        // The exchanges evicted are freed after the lock is let go: freeing one touches memory
        // not used since it was added (cold), and the other event loop waited on it.
        var evicted: [Entry?] = []
        let feeds: [DashboardFeed] = contents.withLock { c in
            entry.exchange.id = c.nextID
            c.nextID += 1
            while c.bytes + cost > byteLimit, c.head < c.slots.count {
                c.bytes -= c.slots[c.head]?.cost ?? 0
                evicted.append(c.slots[c.head].take())
                c.head += 1
                c.evicted += 1
            }
            if c.head > 1024 && c.head * 2 > c.slots.count {
                c.slots.removeFirst(c.head)
                c.head = 0
            }
            c.slots.append(entry)
            c.bytes += cost
            if let scenario = entry.exchange.scenario {
                let name = c.scenarioHits[scenario] != nil || c.scenarioHits.count < Self.scenarioLimit ? scenario : "other"
                c.scenarioHits[name, default: 0] += 1
            }
            return c.feeds.isEmpty ? [] : Array(c.feeds.values)
        }
        evicted = []
        guard !feeds.isEmpty else { return }
        var w = JSONWriter(capacity: 512)
        entry.exchange.summary(into: &w)
        let event = Array("event: exchange\ndata: ".utf8) + w.bytes + Array("\n\n".utf8)
        for feed in feeds { feed.offer(event) }
    }

    /// The exchange with this id, while the ring holds it.
    func exchange(_ id: Int) -> DashboardExchange? {
        contents.withLock { c in
            guard c.head < c.slots.count, let first = c.slots[c.head]?.exchange.id else { return nil }
            let index = c.head + id - first
            return c.slots.indices.contains(index) && index >= c.head ? c.slots[index]?.exchange : nil
        }
    }

    /// The newest `limit` rows (oldest first) and what the ring holds, as the page's list reads them.
    func listing(limit: Int) -> [UInt8] {
        contents.withLock { c in
            var w = JSONWriter(capacity: 256 * min(limit, c.count) + 256)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for slot in c.slots[max(c.head, c.slots.count - limit)...] { slot?.exchange.summary(into: &w) }
            w.endArray()
            w.key("held_bytes"); w.int(c.bytes)
            w.key("byte_limit"); w.int(byteLimit)
            w.key("exchanges"); w.int(c.count)
            w.key("evicted"); w.int(c.evicted)
            w.key("scenario_hits")
            w.beginObject()
            for (name, hits) in c.scenarioHits.sorted(by: { $0.key < $1.key }) {
                w.key(escaping: name); w.int(hits)
            }
            w.endObject()
            w.endObject()
            return w.bytes
        }
    }

    /// A reset through the admin API starts the scenarios' hit counts again (the exchanges stay).
    func resetHits() {
        contents.withLock { $0.scenarioHits.removeAll() }
    }

    func subscribe(_ feed: DashboardFeed) {
        contents.withLock { $0.feeds[ObjectIdentifier(feed)] = feed }
    }

    func unsubscribe(_ feed: DashboardFeed) {
        _ = contents.withLock { $0.feeds.removeValue(forKey: ObjectIdentifier(feed)) }
    }
}
