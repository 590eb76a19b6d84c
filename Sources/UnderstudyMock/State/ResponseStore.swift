import Synchronization
import UnderstudyContract

/// Stored responses (`store: true`, the default), for retrieval, deletion, input-item listing and
/// `previous_response_id` chains. Bounded: past `limit` entries the least recently used goes.
final class ResponseStore: Sendable {
    struct Entry: Sendable {
        var plan: ResponsePlan
        /// The input items with their ids, oldest first.
        var inputItems: [JSONValue]
        /// The conversation so far, this reply included (instructions are not carried over, as
        /// the API documents).
        var conversation: [ChatMessage]
        /// Background work advances each time it is looked at: queued → in_progress → final.
        var polls = 0
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var lastUse: [String: Int] = [:]
        var tick = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func put(_ entry: Entry) {
        state.withLock { s in
            s.tick += 1
            s.entries[entry.plan.id] = entry
            s.lastUse[entry.plan.id] = s.tick
            if s.entries.count > limit, let oldest = s.lastUse.min(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) })?.key {
                s.entries[oldest] = nil
                s.lastUse[oldest] = nil
            }
        }
    }

    /// The entry, after applying `change` to it (for polls and cancels); nil if unknown.
    func use(_ id: String, change: (inout Entry) -> Void = { _ in }) -> Entry? {
        state.withLock { s in
            guard var entry = s.entries[id] else { return nil }
            change(&entry)
            s.tick += 1
            s.entries[id] = entry
            s.lastUse[id] = s.tick
            return entry
        }
    }

    func reset() { state.withLock { $0 = State() } }

    func delete(_ id: String) -> Bool {
        state.withLock { s in
            s.lastUse[id] = nil
            return s.entries.removeValue(forKey: id) != nil
        }
    }
}
