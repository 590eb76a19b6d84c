#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyContract

/// How fast a model generates, as a provider serves it (`--timing realistic`): a time to first
/// token that grows with the prompt, an output rate, seeded log-normal jitter, bursts of tokens
/// that arrive together, and a capacity past which new generations queue and every one slows.
public struct TimingProfile: Sendable, Equatable {
    /// The first token's wait for an empty prompt, in milliseconds.
    public var firstTokenMilliseconds: Double = 450
    /// What every thousand prompt tokens add to it (prefill).
    public var prefillMillisecondsPerThousand: Double = 25
    public var tokensPerSecond: Double = 80
    /// The spread of each gap (σ of a log-normal with mean 1); 0 for an even beat.
    public var jitter: Double = 0.3
    /// Tokens that arrive together, as they do over a real network.
    public var burst: Int = 1
    /// Generations a model runs at once; more queue for a free slot.
    public var capacity: Int = 64

    public init() {}

    /// Range checks for values read from a file, so that no arithmetic on them can overflow.
    static let limits = (milliseconds: 0.0...600_000.0, rate: 0.1...100_000.0, jitter: 0.0...3.0,
                         burst: 1...1_000, capacity: 1...4_096)

    /// Some of a profile's values, to lay over another (a model's over the catalog's defaults, a
    /// `--timing FILE`'s over both).
    public struct Patch: Sendable, Equatable {
        public var firstTokenMilliseconds: Double?
        public var prefillMillisecondsPerThousand: Double?
        public var tokensPerSecond: Double?
        public var jitter: Double?
        public var burst: Int?
        public var capacity: Int?

        public init() {}
    }

    public func applying(_ patch: Patch?) -> TimingProfile {
        guard let patch else { return self }
        var p = self
        p.firstTokenMilliseconds = patch.firstTokenMilliseconds ?? p.firstTokenMilliseconds
        p.prefillMillisecondsPerThousand = patch.prefillMillisecondsPerThousand ?? p.prefillMillisecondsPerThousand
        p.tokensPerSecond = patch.tokensPerSecond ?? p.tokensPerSecond
        p.jitter = patch.jitter ?? p.jitter
        p.burst = patch.burst ?? p.burst
        p.capacity = patch.capacity ?? p.capacity
        return p
    }
}

/// How generation time is decided: not at all (answers as fast as the socket takes them, the
/// default), or by each model's profile.
public enum TimingMode: Sendable, Equatable {
    case off
    /// Each model's profile from the catalog, with a `--timing FILE`'s changes laid over it: one
    /// for every model, then one per catalog model id.
    case realistic(everyModel: TimingProfile.Patch? = nil, byModel: [String: TimingProfile.Patch] = [:])

    func profile(for model: ModelInfo) -> TimingProfile? {
        guard case .realistic(let everyModel, let byModel) = self else { return nil }
        return model.timing.applying(everyModel).applying(byModel[model.standInFor ?? model.id])
    }
}

/// The pacing of one stream's frames, decided when the request came: gap `i` is a seeded
/// log-normal draw around the model's per-token time, `burst` frames arrive together, and nothing
/// of it is stored per frame.
public struct StreamPacing: Sendable, Equatable {
    public var meanIntervalNanoseconds: Double
    public var jitter: Double
    public var burst: Int
    public var seed: UInt64

    /// The wait before frame `index` (from 1).
    public func delay(before index: Int) -> Int64 {
        guard index % burst == 0 else { return 0 }
        return Int64((Double(burst) * meanIntervalNanoseconds * Self.lognormal(jitter, seed: StableHash.combine(seed, UInt64(index)))).rounded())
    }

    /// A draw with mean 1 and spread `sigma`, from a seed (Box–Muller on SplitMix64): the same on
    /// every machine, so a run's timing can be repeated.
    static func lognormal(_ sigma: Double, seed: UInt64) -> Double {
        guard sigma > 0 else { return 1 }
        var rng = SplitMix64(seed: seed)
        let u1 = (Double(rng.next() >> 11) + 1) / 9_007_199_254_740_993
        let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return exp(sigma * z - sigma * sigma / 2)
    }
}

/// One generation's timing, as decided: how long before its first token, and the pace after.
struct GenerationTiming: Sendable {
    var firstTokenNanoseconds: Int64
    var pacing: StreamPacing
    /// First token to last, at the pacing's mean.
    var durationNanoseconds: Int64

    /// Decides the timing of a generation of `outputTokens` after `promptTokens` (reasoning
    /// tokens are generated, unseen, before the first visible one), given how busy the model is.
    static func decide(_ profile: TimingProfile, promptTokens: Int, reasoningTokens: Int, outputTokens: Int,
                       frames: Int, seed: UInt64, slots: GenerationSlots, model: String) -> GenerationTiming {
        let perToken = 1e9 / profile.tokensPerSecond
        let prefill = Double(promptTokens) / 1000 * profile.prefillMillisecondsPerThousand * 1e6
        let thinking = Double(reasoningTokens) * perToken
        let firstToken = profile.firstTokenMilliseconds * 1e6 + prefill + thinking
        // Content frames carry one token each; the few others (role, finish, usage) keep the beat.
        let busy = slots.claim(model: model, capacity: profile.capacity,
                               durationNanoseconds: Int64(firstToken + Double(max(1, outputTokens)) * perToken))
        // A model with every slot busy slows everyone: a full batch runs at two-thirds speed.
        let slowdown = 1 + 0.5 * busy.load
        let interval = perToken * slowdown
        let jitterSeed = StableHash.combine(seed, 0x71_4E)
        let first = Double(busy.queuedNanoseconds) + firstToken * StreamPacing.lognormal(profile.jitter, seed: jitterSeed)
        return GenerationTiming(
            firstTokenNanoseconds: Int64(first.rounded()),
            pacing: StreamPacing(meanIntervalNanoseconds: interval, jitter: profile.jitter, burst: profile.burst, seed: seed),
            durationNanoseconds: Int64((interval * Double(max(0, frames - 1))).rounded()))
    }
}
