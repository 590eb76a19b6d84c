import Synchronization

/// A store bounded by entry count and by bytes: past either limit the least recently used entries
/// go. Every store of the server (stored responses, stored chat completions, conversations) sits on one of these,
/// so no client can grow memory without bound (issue 14's rule for stores).
final class BoundedLRU<Value: Sendable>: Sendable {
    struct Slot: Sendable {
        var value: Value
        var bytes: Int
        var lastUse: Int
        /// Order of first insertion (lists in creation order).
        var inserted: Int
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var tick = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    let countLimit: Int
    let byteLimit: Int
    private let cost: @Sendable (Value) -> Int

    init(countLimit: Int, byteLimit: Int, cost: @escaping @Sendable (Value) -> Int) {
        self.countLimit = max(1, countLimit)
        self.byteLimit = max(1, byteLimit)
        self.cost = cost
    }

    func put(_ key: String, _ value: Value) {
        let bytes = cost(value)
        state.withLock { s in
            s.tick += 1
            let inserted = s.slots[key]?.inserted ?? s.tick
            if let old = s.slots[key] { s.bytes -= old.bytes }
            s.slots[key] = Slot(value: value, bytes: bytes, lastUse: s.tick, inserted: inserted)
            s.bytes += bytes
            evict(&s)
        }
    }

    /// The value, after applying `change`; nil if unknown. A change that grows the value (a
    /// conversation's new items) counts against the byte limit like a put.
    func use(_ key: String, change: (inout Value) -> Void = { _ in }) -> Value? {
        state.withLock { s in
            // Out of the table while it changes, so the value is not shared and changes in place.
            guard var slot = s.slots.removeValue(forKey: key) else { return nil }
            change(&slot.value)
            s.tick += 1
            slot.lastUse = s.tick
            let bytes = cost(slot.value)
            s.bytes += bytes - slot.bytes
            slot.bytes = bytes
            s.slots[key] = slot
            evict(&s)
            return slot.value
        }
    }

    /// Drops the least recently used entries while either limit is passed (never the last one).
    private func evict(_ s: inout State) {
        while s.slots.count > countLimit || (s.bytes > byteLimit && s.slots.count > 1) {
            guard let oldest = s.slots.min(by: { $0.value.lastUse < $1.value.lastUse })?.key else { break }
            s.bytes -= s.slots[oldest]!.bytes
            s.slots[oldest] = nil
        }
    }

    func delete(_ key: String) -> Bool {
        state.withLock { s in
            guard let slot = s.slots.removeValue(forKey: key) else { return false }
            s.bytes -= slot.bytes
            return true
        }
    }

    /// Every value in insertion order (for listings; does not count as use).
    func values() -> [Value] {
        state.withLock { s in s.slots.values.sorted { $0.inserted < $1.inserted }.map(\.value) }
    }

    var bytes: Int { state.withLock { $0.bytes } }

    func reset() { state.withLock { $0 = State() } }
}
