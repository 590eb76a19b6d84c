import Synchronization
import UnderstudyContract

/// The exchanges kept for the dashboard: the newest ones whose bodies, frames and headers fit in
/// `byteLimit` (the oldest go first), and the pages watching (`DashboardFeed`), each sent every new
/// exchange's row. With no page open, adding an exchange costs its place in the ring and nothing
/// more. Each server keeps its own: replicas sharing a state show their own exchanges.
public final class DashboardRing: Sendable {
    /// The most the ring holds, in bytes: its records end to end (`DashboardRecord`).
    public let byteLimit: Int
    /// Any one body (or a stream's frames) is cut to this, so a few large ones cannot push out the rest.
    let bodyLimit: Int
    static let scenarioLimit = 100

    /// The exchanges kept, as records (`DashboardRecord`) in one arena of `byteLimit` bytes used
    /// round and round: a new record goes after the newest (or back at the start when it would
    /// pass the end) and the oldest it would overwrite are evicted, which frees nothing.
    private struct Contents {
        let arena: UnsafeMutableRawPointer
        let capacity: Int
        /// Oldest first; slots before `head` are evicted ones, dropped in bulk now and then.
        var slots: [(offset: Int, length: Int)] = []
        var head = 0
        /// Where the next record goes, unless it would pass the end.
        var end = 0
        var bytes = 0
        /// The id of the next exchange; the ring's are the `count` before it.
        var nextID = 1
        var evicted = 0
        /// Exchanges each scenario shaped, since start (at most `scenarioLimit` names, then `other`).
        var scenarioHits: [String: Int] = [:]
        var feeds: [ObjectIdentifier: DashboardFeed] = [:]

        var count: Int { slots.count - head }
        /// The id of `slots[head]`, the oldest held.
        var firstID: Int { nextID - count }

        /// Room for `length` bytes, the oldest records it overlaps evicted: its offset.
        mutating func place(_ length: Int) -> Int {
            var offset = end
            if offset + length > capacity {
                // Back to the start: the records after `end` are the oldest; they go first.
                while head < slots.count, slots[head].offset >= end { evictOldest() }
                offset = 0
            }
            while head < slots.count, slots[head].offset < offset + length, slots[head].offset + slots[head].length > offset {
                evictOldest()
            }
            if head > 1024 && head * 2 > slots.count {
                slots.removeFirst(head)
                head = 0
            }
            end = offset + length
            return offset
        }

        private mutating func evictOldest() {
            bytes -= slots[head].length
            head += 1
            evicted += 1
        }

        func record(_ index: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: arena + slots[index].offset, count: slots[index].length)
        }
    }

    private let contents: Mutex<Contents>
    /// Frame bytes held by streams still being answered, all together: at most `inFlightLimit`.
    private let inFlight = Atomic<Int>(0)
    /// A quarter of the ring beside it: the dashboard holds at most 1.25 × `byteLimit` in all.
    var inFlightLimit: Int { byteLimit / 4 }

    public init(byteLimit: Int) {
        self.byteLimit = byteLimit
        bodyLimit = max(4096, min(1 << 20, byteLimit / 16))
        // Pages are the kernel's until a record is written on them: an idle ring costs no memory.
        contents = Mutex(Contents(arena: .allocate(byteCount: max(byteLimit, 1), alignment: 16), capacity: byteLimit))
    }

    deinit {
        contents.withLock { $0.arena.deallocate() }
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
        let length = DashboardRecord.size(of: exchange)
        guard length <= byteLimit else { return }  // a ring too small for even one: headers near their limit
        let feeds: [DashboardFeed] = contents.withLock { c in
            exchange.id = c.nextID
            let offset = c.place(length)
            DashboardRecord.encode(exchange, into: c.arena + offset)
            c.slots.append((offset, length))
            c.nextID += 1
            c.bytes += length
            if let scenario = exchange.scenario {
                let name = c.scenarioHits[scenario] != nil || c.scenarioHits.count < Self.scenarioLimit ? scenario : "other"
                c.scenarioHits[name, default: 0] += 1
            }
            return c.feeds.isEmpty ? [] : Array(c.feeds.values)
        }
        guard !feeds.isEmpty else { return }
        var w = JSONWriter(capacity: 512)
        exchange.summary(into: &w)
        let event = Array("event: exchange\ndata: ".utf8) + w.bytes + Array("\n\n".utf8)
        for feed in feeds { feed.offer(event) }
    }

    /// The exchange with this id, while the ring holds it.
    func exchange(_ id: Int) -> DashboardExchange? {
        contents.withLock { c in
            // Any Int from the page's URL: compared, not added to, so that none can overflow.
            guard id >= c.firstID, id - c.firstID < c.count else { return nil }
            return DashboardRecord.decode(c.record(c.head + id - c.firstID))
        }
    }

    /// Rows decoded under one hold of the lock when listing: the other event loops keep their
    /// exchanges between batches. Held for a whole listing, 10,000 rows kept them waiting 17 ms.
    static let listingBatch = 256

    /// The newest `limit` rows (oldest first) and what the ring holds, as the page's list reads them.
    func listing(limit: Int) -> [UInt8] {
        // The newest `limit` ids as of now; rows evicted while the listing is read are left out.
        let (start, end) = contents.withLock { c in (max(c.firstID, c.nextID - max(0, limit)), c.nextID) }
        var next = start
        var w = JSONWriter(capacity: 256 * (end - start) + 256)
        w.beginObject()
        w.key("data")
        w.beginArray()
        while next < end {
            // Only what a row shows is read: no header, body or frame is copied.
            next = contents.withLock { c in
                var id = max(next, c.firstID)
                let stop = min(end, id + Self.listingBatch)
                while id < stop {
                    DashboardRecord.decode(c.record(c.head + id - c.firstID), whole: false).summary(into: &w)
                    id += 1
                }
                return id
            }
        }
        w.endArray()
        contents.withLock { c in
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
        }
        w.endObject()
        return w.bytes
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
