import Testing
import UnderstudyContract
@testable import UnderstudyMock

/// `--timing realistic`: decided delays, checked as values (never by waiting).
@Suite("Realistic timing")
struct TimingTests {
    static func engine(_ timing: TimingMode, seed: UInt64 = 0) throws -> MockEngine {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), seed: seed, clock: .fixed(1_700_000_000))
        configuration.timing = timing
        return MockEngine(configuration: configuration)
    }

    static func stream(_ engine: MockEngine, model: String = "gpt-4o", prompt: String = "Tell me about owls") throws -> StreamPlan {
        let body = #"{"model":"\#(model)","stream":true,"messages":[{"role":"user","content":"\#(prompt)"}]}"#
        let response = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(body.utf8)))
        guard case .stream(let plan) = response.body else { throw TimingTestError.notStreamed }
        return plan
    }

    enum TimingTestError: Error { case notStreamed, noTiming }

    static let catalog = try! Fixtures.embedded().catalog

    static func timing(_ yaml: String) throws(FixtureError) -> TimingMode {
        try TimingMode.parse(yaml: yaml, file: "timing.yaml", catalog: catalog)
    }

    @Test("off by default: no wait, the configured interval")
    func off() throws {
        let plan = try Self.stream(try Self.engine(.off))
        #expect(plan.firstFrameDelayNanoseconds == 0 && plan.pacing == nil && plan.delay(before: 5) == 0)
    }

    @Test("the catalog's figures: first token near first_token_ms, gaps near 1/tokens_per_second, repeatable from the request and --seed")
    func catalogFigures() throws {
        let plan = try Self.stream(try Self.engine(.realistic()))
        let first = Double(plan.firstFrameDelayNanoseconds) / 1e6
        #expect(first > 150 && first < 1_500, "gpt-4o: 450 ms and a little prefill, jittered: \(first)")
        guard let pacing = plan.pacing else { throw TimingTestError.noTiming }
        #expect(abs(pacing.meanIntervalNanoseconds - 1e9 / 80) < 1, "80 tokens a second, an idle model")
        let again = try Self.stream(try Self.engine(.realistic()))
        #expect(again.firstFrameDelayNanoseconds == plan.firstFrameDelayNanoseconds)
        #expect((1..<plan.frames.count).map(again.delay) == (1..<plan.frames.count).map(plan.delay))
        let reseeded = try Self.stream(try Self.engine(.realistic(), seed: 9))
        #expect((1..<plan.frames.count).map(reseeded.delay) != (1..<plan.frames.count).map(plan.delay))
        // Smaller models are faster: gpt-4.1-nano's beat is 150 tokens a second.
        let nano = try Self.stream(try Self.engine(.realistic()), model: "gpt-4.1-nano")
        #expect(abs((nano.pacing?.meanIntervalNanoseconds ?? 0) - 1e9 / 150) < 1)
    }

    @Test("a longer prompt waits longer for its first token (prefill), without jitter exactly so")
    func prefill() throws {
        let even = try Self.timing("every_model: {jitter: 0, first_token_ms: 100, prefill_ms_per_1k: 50}")
        let short = try Self.stream(try Self.engine(even), prompt: "owls")
        let long = try Self.stream(try Self.engine(even), prompt: String(repeating: "owls are birds of prey ", count: 400))
        #expect(short.firstFrameDelayNanoseconds < 101_000_000)
        #expect(long.firstFrameDelayNanoseconds > short.firstFrameDelayNanoseconds + 50_000_000)
        #expect(long.delay(before: 3) == short.delay(before: 3), "no jitter: an even beat")
    }

    @Test("a reasoning model's first token waits for its hidden reasoning tokens")
    func reasoning() throws {
        let even = try Self.timing("every_model: {jitter: 0}")
        let plan = try Self.stream(try Self.engine(even), model: "o3")
        #expect(plan.firstFrameDelayNanoseconds > 2 * 450_000_000, "\(plan.firstFrameDelayNanoseconds)")
    }

    @Test("bursts: frames arrive in groups, the group's wait before its first")
    func bursts() {
        let pacing = StreamPacing(meanIntervalNanoseconds: 10_000_000, jitter: 0, burst: 3, seed: 1)
        #expect((1...7).map(pacing.delay) == [0, 0, 30_000_000, 0, 0, 30_000_000, 0])
    }

    @Test("log-normal jitter keeps its mean")
    func jitterMean() {
        let draws = (0..<20_000).map { StreamPacing.lognormal(0.5, seed: UInt64($0)) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 1) < 0.03, "\(mean)")
        #expect(draws.min()! > 0 && Set(draws).count > 19_000)
    }

    @Test("past its capacity a model queues new generations first come, first served, and slows")
    func capacity() {
        let clock = ManualClock()
        let slots = GenerationSlots(now: { clock.now })
        let a = slots.claim(model: "m", capacity: 2, durationNanoseconds: 100)
        let b = slots.claim(model: "m", capacity: 2, durationNanoseconds: 100)
        let c = slots.claim(model: "m", capacity: 2, durationNanoseconds: 100)
        #expect(a.queuedNanoseconds == 0 && b.queuedNanoseconds == 0 && c.queuedNanoseconds == 100)
        #expect(a.load == 0 && b.load == 0.5 && c.load == 1)
        clock.now = 250
        let d = slots.claim(model: "m", capacity: 2, durationNanoseconds: 100)
        #expect(d.queuedNanoseconds == 0 && d.load == 0)
    }

    final class ManualClock: @unchecked Sendable {
        var now: Int64 = 0
    }

    @Test("a timing file names catalog models and keeps every number in range, with file:line")
    func fileErrors() throws {
        let mode = try Self.timing("models:\n  gpt-4o: {tokens_per_second: 40, burst: 2}\n")
        let model = try Fixtures.embedded().catalog.model(named: "gpt-4o")!
        #expect(mode.profile(for: model)?.tokensPerSecond == 40 && mode.profile(for: model)?.burst == 2)
        #expect(throws: FixtureError.self) { try Self.timing("models:\n  gpt-nothing: {burst: 2}\n") }
        do {
            _ = try Self.timing("every_model:\n  tokens_per_second: 0\n")
            Issue.record("accepted a rate of 0")
        } catch {
            #expect(error.line == 2 && error.message.contains("tokens_per_second"))
        }
        #expect(throws: FixtureError.self) { try Self.timing("every_model: {capacity: 100000000}") }
        #expect(throws: FixtureError.self) { try Self.timing("every_model: {speed: 1}") }
    }
}
