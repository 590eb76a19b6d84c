import Synchronization

/// The last `capacity` entries of a log, each numbered from 1 as it is added; safe to share
/// between threads. The mock's journal and the proxy's keep their exchanges in one. A ring: an
/// append overwrites the oldest slot in place (it used to shift the whole array, which made
/// journaling 15% of a cached request's CPU at 500 entries).
public final class BoundedLog<Entry: Sendable>: Sendable {
    private struct Ring {
        var next = 1
        var slots: [Entry] = []
        /// Where the oldest entry is, once the ring is full.
        var oldest = 0
    }

    private let state = Mutex(Ring())
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds the entry `make` builds from its sequence number.
    public func append(_ make: (Int) -> Entry) {
        state.withLock { ring in
            let entry = make(ring.next)
            ring.next += 1
            if ring.slots.count < capacity {
                ring.slots.append(entry)
            } else {
                ring.slots[ring.oldest] = entry
                ring.oldest = (ring.oldest + 1) % capacity
            }
        }
    }

    public func reset() { state.withLock { $0 = Ring() } }

    /// The newest `limit` entries, oldest first.
    public func newest(_ limit: Int) -> [Entry] {
        state.withLock { ring in
            let count = min(max(0, limit), ring.slots.count)
            let first = ring.slots.count - count
            return (first..<ring.slots.count).map { ring.slots[(ring.oldest + $0) % ring.slots.count] }
        }
    }
}
