import Synchronization

/// The last `capacity` entries of a log, each numbered from 1 as it is added; safe to share
/// between threads. The mock's journal and the proxy's keep their exchanges in one.
public final class BoundedLog<Entry: Sendable>: Sendable {
    private let state = Mutex<(next: Int, list: [Entry])>((1, []))
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds the entry `make` builds from its sequence number.
    public func append(_ make: (Int) -> Entry) {
        state.withLock { state in
            state.list.append(make(state.next))
            state.next += 1
            if state.list.count > capacity { state.list.removeFirst(state.list.count - capacity) }
        }
    }

    public func reset() { state.withLock { $0 = (1, []) } }

    /// The newest `limit` entries, oldest first.
    public func newest(_ limit: Int) -> [Entry] {
        state.withLock { Array($0.list.suffix(limit)) }
    }
}
