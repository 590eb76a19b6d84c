import Synchronization

/// Counts how many times each request (by stable hash) has come before. The count is part of what
/// decides a response, so that a repeated request gets a new id and, without a seed, new text,
/// while two fresh servers fed the same sequence answer alike.
///
/// Bounded: counts live in two generations of at most `limit / 2` requests each; when the newer
/// fills, the older is dropped. A request not seen among roughly the last `limit / 2` to `limit`
/// distinct requests starts counting again from 0 — still the same for the same sequence, and
/// memory stays flat (~16 MB at the default) however many distinct requests a load test sends.
final class OccurrenceCounter: Sendable {
    private struct Generations {
        var current: [UInt64: Int] = [:]
        var previous: [UInt64: Int] = [:]
    }

    private let counts = Mutex(Generations())
    let limit: Int

    init(limit: Int = 500_000) {
        self.limit = max(2, limit)
    }

    func reset() { counts.withLock { $0 = Generations() } }

    /// Returns the number of earlier sightings of `hash` and records this one.
    func next(_ hash: UInt64) -> Int {
        counts.withLock { counts in
            if let seen = counts.current[hash] {
                counts.current[hash] = seen + 1
                return seen
            }
            let seen = counts.previous.removeValue(forKey: hash) ?? 0
            if counts.current.count >= limit / 2 {
                counts.previous = counts.current
                counts.current = [:]
                counts.current.reserveCapacity(limit / 2)
            }
            counts.current[hash] = seen + 1
            return seen
        }
    }
}
