import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import UnderstudyMock
@testable import UnderstudyServer

/// The stream scheduler and the frame schedule, on a virtual clock (EmbeddedEventLoop): what is
/// checked is when work falls due, never how long anything took.
@Suite("Stream scheduler")
struct StreamSchedulerTests {
    /// Records the (virtual) time of each call it gets.
    final class Recorder: ScheduledWork {
        let loop: EmbeddedEventLoop
        var calls: [(ticket: UInt64, at: UInt64)] = []
        init(_ loop: EmbeddedEventLoop) { self.loop = loop }
        func due(ticket: UInt64, horizon: NIODeadline) {
            calls.append((ticket, loop.now.uptimeNanoseconds))
        }
    }

    @Test("work is served at its due time, in due order, arrivals first at equal times")
    func dueOrder() {
        let loop = EmbeddedEventLoop()
        let scheduler = StreamScheduler(eventLoop: loop)
        let a = Recorder(loop), b = Recorder(loop)
        let start = loop.now
        scheduler.schedule(a, ticket: 1, at: start + .milliseconds(30))
        scheduler.schedule(b, ticket: 2, at: start + .milliseconds(10))
        scheduler.schedule(a, ticket: 3, at: start + .milliseconds(10))
        loop.advanceTime(by: .milliseconds(9))
        #expect(a.calls.isEmpty && b.calls.isEmpty)
        loop.advanceTime(by: .milliseconds(1))
        #expect(b.calls.map(\.ticket) == [2])
        #expect(a.calls.map(\.ticket) == [3])
        loop.advanceTime(by: .milliseconds(20))
        #expect(a.calls.map(\.ticket) == [3, 1])
        #expect(a.calls.last?.at == start.uptimeNanoseconds + 30_000_000)
        #expect(scheduler.waiting == 0)
    }

    @Test("work due within one tick of the earliest is served by the same timer")
    func oneTick() {
        let loop = EmbeddedEventLoop()
        let scheduler = StreamScheduler(eventLoop: loop)
        let works = (0..<100).map { _ in Recorder(loop) }
        let start = loop.now
        for (i, work) in works.enumerated() {
            scheduler.schedule(work, ticket: UInt64(i), at: start + .microseconds(Int64(i % 4) * 100))
        }
        // The first is due at once; the timer, no sooner than the least time between ticks.
        loop.advanceTime(by: StreamScheduler.pollBetweenTicks)
        // All 100 are due within 300 µs of the first: one tick serves them at the same instant.
        #expect(works.allSatisfy { $0.calls.count == 1 })
        #expect(Set(works.compactMap { $0.calls.first?.at }).count == 1)
    }

    @Test("an earlier wait re-arms the timer; later ones do not delay it")
    func rearm() {
        let loop = EmbeddedEventLoop()
        let scheduler = StreamScheduler(eventLoop: loop)
        let late = Recorder(loop), early = Recorder(loop)
        let start = loop.now
        scheduler.schedule(late, ticket: 1, at: start + .seconds(5))
        scheduler.schedule(early, ticket: 1, at: start + .milliseconds(1))
        loop.advanceTime(by: .milliseconds(1))
        #expect(early.calls.count == 1 && late.calls.isEmpty)
        loop.advanceTime(by: .seconds(5))
        #expect(late.calls.count == 1)
    }

    @Test("a loop behind its waits serves a bounded batch per tick and leaves time to poll its sockets between ticks")
    func behindYieldsToSockets() {
        let loop = EmbeddedEventLoop()
        let scheduler = StreamScheduler(eventLoop: loop)
        let waits = StreamScheduler.mostPerTick * 2 + 500
        let works = (0..<waits).map { _ in Recorder(loop) }
        let start = loop.now
        for (i, work) in works.enumerated() { scheduler.schedule(work, ticket: UInt64(i), at: start) }
        func served() -> Int { works.filter { !$0.calls.isEmpty }.count }
        // All due at once, yet the timer runs no sooner than pollBetweenTicks from now: NIO polls
        // its sockets before a task that is not yet due.
        loop.advanceTime(by: StreamScheduler.pollBetweenTicks - .nanoseconds(1))
        #expect(served() == 0)
        loop.advanceTime(by: .nanoseconds(1))
        #expect(served() == StreamScheduler.mostPerTick)
        // The next batch waits for the next tick, however overdue it is; first come, first served.
        #expect(works[StreamScheduler.mostPerTick].calls.isEmpty && !works[StreamScheduler.mostPerTick - 1].calls.isEmpty)
        loop.advanceTime(by: StreamScheduler.pollBetweenTicks)
        #expect(served() == 2 * StreamScheduler.mostPerTick)
        loop.advanceTime(by: StreamScheduler.pollBetweenTicks)
        #expect(served() == waits && scheduler.waiting == 0)
    }

    static func plan(frames: Int, intervalMilliseconds: Int64, firstMilliseconds: Int64 = 0) -> StreamPlan {
        var plan = StreamPlan(frames: (0..<frames).map { Array("data: \($0)\n\n".utf8) },
                              intervalNanoseconds: intervalMilliseconds * 1_000_000)
        plan.firstFrameDelayNanoseconds = firstMilliseconds * 1_000_000
        return plan
    }

    @Test("each frame is due at the stream's start plus its delays: a late tick sends the overdue frames together and shifts nothing after")
    func absoluteSchedule() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var stream = PacedStream(Self.plan(frames: 5, intervalMilliseconds: 20, firstMilliseconds: 100),
                                 start: start, chunked: false, keepAlive: true)
        var buffer = ByteBuffer()
        #expect(stream.write(dueBy: start, into: &buffer, limit: 1 << 20) == 0)
        #expect(stream.wakeAt == start + .milliseconds(100))
        #expect(stream.write(dueBy: start + .milliseconds(100), into: &buffer, limit: 1 << 20) == 1)
        #expect(stream.wakeAt == start + .milliseconds(120))
        // 45 ms late: the frames due at 120, 140 and 160 go together; the last is still due at 180.
        #expect(stream.write(dueBy: start + .milliseconds(165), into: &buffer, limit: 1 << 20) == 3)
        #expect(stream.wakeAt == start + .milliseconds(180))
        #expect(stream.write(dueBy: start + .milliseconds(179), into: &buffer, limit: 1 << 20) == 0)
        #expect(stream.write(dueBy: start + .milliseconds(180), into: &buffer, limit: 1 << 20) == 1)
        #expect(stream.isFinished)
        #expect(String(buffer: buffer) == (0..<5).map { "data: \($0)\n\n" }.joined())
    }

    @Test("a recorded stream keeps its own gaps; a write stops at the byte limit and goes on later")
    func recordedGapsAndLimit() {
        var plan = Self.plan(frames: 4, intervalMilliseconds: 0)
        plan.frameDelaysNanoseconds = [0, 5_000_000, 0, 50_000_000]
        let start = NIODeadline.uptimeNanoseconds(0)
        var stream = PacedStream(plan, start: start, chunked: true, keepAlive: true)
        var buffer = ByteBuffer()
        #expect(stream.write(dueBy: start, into: &buffer, limit: 1) == 1)
        #expect(stream.wakeAt == start + .milliseconds(5))
        #expect(stream.write(dueBy: start + .milliseconds(5), into: &buffer, limit: 1 << 20) == 2)
        #expect(stream.wakeAt == start + .milliseconds(55))
        #expect(String(buffer: buffer).hasPrefix("9\r\ndata: 0\n\n\r\n"))
    }

    @Test("while the first frame is awaited, the waiting comment goes out at once and every second")
    func waitingComments() {
        var plan = Self.plan(frames: 2, intervalMilliseconds: 0, firstMilliseconds: 2_500)
        plan.waitingComment = Array(": OPENROUTER PROCESSING\n\n".utf8)
        let start = NIODeadline.uptimeNanoseconds(0)
        var stream = PacedStream(plan, start: start, chunked: false, keepAlive: true)
        var buffer = ByteBuffer()
        var times: [Int64] = []
        var now = start
        while !stream.isFinished {
            now = stream.wakeAt
            let before = buffer.readableBytes
            let frames = stream.write(dueBy: now, into: &buffer, limit: 1 << 20)
            if frames == 0 && buffer.readableBytes > before { times.append(Int64(now.uptimeNanoseconds / 1_000_000)) }
        }
        #expect(times == [0, 1_000, 2_000])
        #expect(now == start + .milliseconds(2_500))
    }
}

@Suite("Realistic timing over a socket")
struct RealisticTimingServerTests {
    @Test("timing changes when bytes leave, never which: a paced stream and a delayed answer equal the untimed ones")
    func sameBytes() async throws {
        let fast = try TimingMode.parse(yaml: "every_model: {first_token_ms: 20, tokens_per_second: 3000, burst: 3, jitter: 0.5}",
                                        file: "t.yaml", catalog: try Fixtures.embedded().catalog)
        let stream = #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me about owls"}]}"#
        let json = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Describe autumn"}]}"#
        func run(_ timing: TimingMode) async throws -> (String, String) {
            try await withServer(timing: timing) { server in
                let s = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: stream)
                let j = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: json)
                return (s.text, j.text)
            }
        }
        let timed = try await run(fast)
        let untimed = try await run(.off)
        #expect(timed.0 == untimed.0)
        #expect(timed.1 == untimed.1)
        #expect(ssePayloads(timed.0).last == "[DONE]" && ssePayloads(timed.0).count > 20)
    }
}
