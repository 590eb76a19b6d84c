import Synchronization

/// The last `capacity` entries of a log, each numbered from 1 as it is added; safe to share
/// between threads. The mock's journal and the proxy's keep their exchanges in one. A ring: an
/// append overwrites the oldest slot in place (it used to shift the whole array, which made
/// journaling 15% of a cached request's CPU at 500 entries).
public final class BoundedLog<Entry: Sendable>: Sendable {
    // Inlinable (and its state usable from inlined code), so that a module keeping a log of its
    // own entries gets `append` specialized for them: unspecialized, every append looked up the
    // generic metadata of its closure and ring (~1% of a canned request's time).
    @usableFromInline struct Ring {
        @usableFromInline var next = 1
        @usableFromInline var slots: [Entry] = []
        /// Where the oldest entry is, once the ring is full.
        @usableFromInline var oldest = 0

        @usableFromInline init() {}
    }

    @usableFromInline let state = Mutex(Ring())
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds the entry `make` builds from its sequence number.
    @inlinable public func append(_ make: (Int) -> Entry) {
        // The entry overwritten is freed after the lock is let go (the other event loop waits on it).
        let overwritten: Entry? = state.withLock { ring in
            let entry = make(ring.next)
            ring.next += 1
            guard ring.slots.count == capacity else {
                ring.slots.append(entry)
                return nil
            }
            defer { ring.oldest = (ring.oldest + 1) % capacity }
            var old = entry
            swap(&ring.slots[ring.oldest], &old)
            return old
        }
        _ = overwritten
    }

    /// Adds `entry`, moved in (not copied), after `number` gives it its sequence number.
    @inlinable public func append(_ entry: consuming Entry, number: (inout Entry, Int) -> Void) {
        var pending: Entry? = entry
        let overwritten: Entry? = state.withLock { ring in
            var entry = pending.take()!
            number(&entry, ring.next)
            ring.next += 1
            guard ring.slots.count == capacity else {
                ring.slots.append(entry)
                return nil
            }
            defer { ring.oldest = (ring.oldest + 1) % capacity }
            swap(&ring.slots[ring.oldest], &entry)
            return entry
        }
        _ = overwritten
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
