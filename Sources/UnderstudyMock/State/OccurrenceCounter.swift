import Synchronization

/// Counts how many times each request (by stable hash) has come before, for the server's life.
/// The count is part of what decides a response, so that a repeated request gets a new id and,
/// without a seed, new text, while two fresh servers fed the same sequence answer alike.
final class OccurrenceCounter: Sendable {
    private let counts = Mutex<[UInt64: Int]>([:])

    func reset() { counts.withLock { $0.removeAll() } }

    /// Returns the number of earlier sightings of `hash` and records this one.
    func next(_ hash: UInt64) -> Int {
        counts.withLock { counts in
            let seen = counts[hash, default: 0]
            counts[hash] = seen + 1
            return seen
        }
    }
}
