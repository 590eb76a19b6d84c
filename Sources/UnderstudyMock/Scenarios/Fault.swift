/// Trouble below the level of an error answer: a stream that fails or breaks part-way, or a
/// connection that is reset, closed or fed garbage.
public enum Fault: String, Sendable, CaseIterable {
    /// Part-way through a stream, the provider's mid-stream error, then the end.
    case streamError = "stream-error"
    /// Part-way through a stream, the connection closes: no [DONE], no final chunk.
    case streamCut = "stream-cut"
    /// Part-way through a stream, a frame whose data is not JSON.
    case malformedFrame = "malformed-frame"
    /// Part-way through a stream, nothing more: the connection stays open, silent.
    case stall
    /// One frame of the stream left out.
    case dropEvent = "drop-event"
    /// One frame of the stream sent twice.
    case duplicateEvent = "duplicate-event"
    /// The connection is reset (RST) instead of answered.
    case connectionReset = "connection-reset"
    /// The connection closes without a byte of answer.
    case closeBeforeAnswer = "close-before-answer"
    /// Bytes that are not HTTP, then the connection closes.
    case garbageThenClose = "garbage-then-close"

    /// How many stream frames pass before the fault strikes, unless a rule says (`after:`).
    public static let framesBefore = 3

    /// Applies a stream fault to a stream's frames after `after` of them; the error frames come
    /// from the caller, who knows the flavour and API.
    /// A faulted stream is rare: it is rendered whole here, and edited as an array.
    func apply(to plan: inout StreamPlan, errorFrames: [[UInt8]], after: Int = framesBefore) {
        var frames = plan.frames.remaining()
        let keep = min(max(0, after), frames.count)
        switch self {
        case .stall:
            frames = Array(frames.prefix(keep))
            plan.ending = .stall
        case .dropEvent:
            if keep < frames.count { frames.remove(at: keep) }
        case .duplicateEvent:
            if keep < frames.count { frames.insert(frames[keep], at: keep) }
        case .streamError:
            frames = Array(frames.prefix(keep)) + errorFrames
            plan.ending = .close
        case .streamCut:
            frames = Array(frames.prefix(keep))
            plan.ending = .close
        case .malformedFrame:
            frames.insert(Array("data: {\"choices\": [{\"delta\": \n\n".utf8), at: keep)
        default:
            break
        }
        plan.frames = StreamFrames(frames)
    }
}
