import Synchronization

/// The generations each model is running (`--timing realistic`): a model has `capacity` slots; a
/// new generation takes the one free soonest, waiting for it when every slot is busy (so a model
/// queues first come, first served), and holds it for its duration. Bounded: one array of at most
/// `TimingProfile.limits.capacity` times per model, for at most `modelLimit` models (ids that
/// `--models open` lets in included), forgotten all at once past that.
final class GenerationSlots: Sendable {
    private let slots = Mutex<[String: [Int64]]>([:])
    private let now: @Sendable () -> Int64
    static let modelLimit = 1024

    /// `now`: monotonic nanoseconds (a test's own clock, or the process's).
    init(now: @escaping @Sendable () -> Int64 = GenerationSlots.monotonicNanoseconds) {
        self.now = now
    }

    struct Claim {
        /// How long the generation waits for a slot.
        var queuedNanoseconds: Int64
        /// The share of slots busy when it came, 0 to 1.
        var load: Double
    }

    func claim(model: String, capacity: Int, durationNanoseconds: Int64) -> Claim {
        let now = now()
        return slots.withLock { all in
            if all[model] == nil && all.count >= Self.modelLimit { all.removeAll() }
            var freeAt = all[model] ?? []
            if freeAt.count != capacity { freeAt = Array(repeating: .min, count: capacity) }
            var soonest = 0
            var busy = 0
            for i in freeAt.indices {
                if freeAt[i] > now { busy += 1 }
                if freeAt[i] < freeAt[soonest] { soonest = i }
            }
            let start = max(now, freeAt[soonest])
            freeAt[soonest] = start + durationNanoseconds
            all[model] = freeAt
            return Claim(queuedNanoseconds: start - now, load: Double(busy) / Double(capacity))
        }
    }

    func reset() { slots.withLock { $0.removeAll() } }

    private static let origin = ContinuousClock.now

    @Sendable static func monotonicNanoseconds() -> Int64 {
        let origin = origin
        let elapsed = ContinuousClock.now - origin
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }
}
