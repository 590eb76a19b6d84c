/// How the engine behaves: the fixtures, the seed and clock that fix its output, and pacing.
public struct MockConfiguration: Sendable {
    public var fixtures: Fixtures
    /// Mixed into every id and every generated text: another seed, another (still reproducible) run.
    public var seed: UInt64
    public var clock: ServerClock
    /// Pause between SSE frames, in nanoseconds (0: as fast as the socket takes them).
    public var streamIntervalNanoseconds: Int64
    /// Serve repeats of repeatable completions from a template (same bytes, less work).
    public var cacheRepeatableResponses: Bool

    public init(fixtures: Fixtures, seed: UInt64 = 0, clock: ServerClock = .system, streamIntervalNanoseconds: Int64 = 0,
                cacheRepeatableResponses: Bool = true) {
        self.fixtures = fixtures
        self.seed = seed
        self.clock = clock
        self.streamIntervalNanoseconds = streamIntervalNanoseconds
        self.cacheRepeatableResponses = cacheRepeatableResponses
    }
}
