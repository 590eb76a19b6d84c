import NIOCore
import UnderstudyMock

/// A stream being sent: which frame is next and when it is due. Every due time is counted from
/// the stream's start (the first frame after the time to first token, each next one a plan's
/// delay after the one before), never from when the last write happened, so a late tick makes
/// frames leave together rather than pushing every later frame back.
struct PacedStream {
    private var plan: StreamPlan
    /// Frames handed out so far.
    private(set) var sent = 0
    let chunked: Bool
    let keepAlive: Bool
    /// When the next frame is due.
    private(set) var nextDue: NIODeadline
    /// While the first frame is awaited: when the next waiting comment is due.
    private var nextComment: NIODeadline?

    static let commentEvery = TimeAmount.seconds(1)

    init(_ plan: StreamPlan, start: NIODeadline, chunked: Bool, keepAlive: Bool) {
        self.plan = plan
        self.chunked = chunked
        self.keepAlive = keepAlive
        nextDue = start + .nanoseconds(plan.firstFrameDelayNanoseconds)
        // OpenRouter's `: OPENROUTER PROCESSING`, at once and then every second until the first frame.
        nextComment = plan.waitingComment != nil && plan.firstFrameDelayNanoseconds > 0 ? start : nil
    }

    var ending: StreamPlan.Ending { plan.ending }
    var isFinished: Bool { sent >= plan.frames.count }
    /// When there is next something to send.
    var wakeAt: NIODeadline { nextComment.map { min($0, nextDue) } ?? nextDue }

    /// Encodes into `buffer` what is due by `horizon`: a waiting comment, or the frames due (as
    /// chunks when `chunked`), stopping once the buffer holds `limit` bytes. Returns how many
    /// frames it wrote.
    mutating func write(dueBy horizon: NIODeadline, into buffer: inout ByteBuffer, limit: Int) -> Int {
        write(dueBy: horizon, into: &buffer, limit: limit, noting: false) { _, _ in }
    }

    /// As above; when `noting`, `note` hears of each frame with its due time (the dashboard). Not
    /// an optional closure: that escapes, and cost a closure context allocated on every pump.
    mutating func write(dueBy horizon: NIODeadline, into buffer: inout ByteBuffer, limit: Int, noting: Bool,
                        note: (_ frame: [UInt8], _ due: NIODeadline) -> Void) -> Int {
        if let comment = nextComment, let text = plan.waitingComment, comment <= horizon, horizon < nextDue {
            encode(text, into: &buffer)
            var next = comment + Self.commentEvery
            while next <= horizon { next = next + Self.commentEvery }
            nextComment = next < nextDue ? next : nil
            return 0
        }
        var written = 0
        while !isFinished, nextDue <= horizon, buffer.readableBytes < limit {
            guard let frame = plan.frames.next() else {
                sent = plan.frames.count
                break
            }
            nextComment = nil
            encode(frame, into: &buffer)
            if noting { note(frame, nextDue) }
            sent += 1
            written += 1
            if !isFinished { nextDue = nextDue + .nanoseconds(plan.delay(before: sent)) }
        }
        return written
    }

    private func encode(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        if chunked {
            HTTPResponseWriter.chunk(bytes, into: &buffer)
        } else {
            buffer.writeBytes(bytes)
        }
    }
}
