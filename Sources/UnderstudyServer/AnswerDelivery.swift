import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyMock

/// What a connection's answer in flight waits on. While it waits on anything, requests pipelined
/// behind it wait their turn.
enum Wait {
    case none
    /// The engine, answering on the thread pool (a shared state that waits on the network).
    case engine
    /// Simulated latency before the answer (boxed: the enum stays the size of a stream's state,
    /// which is moved in and out of it on every write).
    case delayed(DelayedAnswer)
    /// A stream whose next frames are due later (the loop's `StreamScheduler` says when); nil
    /// while its due frames are being written.
    case frames(PacedStream?)
    /// A stream whose client stopped reading (the channel is not writable). Frames are encoded
    /// only while it is, so such a client holds at most NIO's high-water mark, not the stream.
    case writable(PacedStream)
    /// A stream stalled on purpose: nothing will finish it, so a shutdown closes it at once.
    case stalled
    /// A dashboard page's live feed, open until the page goes (or a shutdown closes it).
    case feed(DashboardFeed)

    final class DelayedAnswer {
        let response: MockResponse
        let head: RequestHead
        let keepAlive: Bool

        init(_ response: MockResponse, _ head: RequestHead, keepAlive: Bool) {
            self.response = response
            self.head = head
            self.keepAlive = keepAlive
        }
    }

    var busy: Bool { if case .none = self { false } else { true } }

    /// The stream whose frames are due, moved out (left `.frames(nil)`); nil when not waiting on
    /// frames. Moved, not copied: a copy retained and released every reference in the stream's
    /// plan on each pump (3% of the time of 10,000 streams).
    mutating func takeFrames() -> PacedStream? {
        switch consume self {
        case .frames(let stream?):
            self = .frames(nil)
            return stream
        case let other:
            self = other
            return nil
        }
    }

    /// The stream a client stopped reading, moved out to be pumped again (left `.frames(nil)`).
    mutating func takeWritable() -> PacedStream? {
        switch consume self {
        case .writable(let stream):
            self = .frames(nil)
            return stream
        case let other:
            self = other
            return nil
        }
    }
    /// Nothing will finish it: a shutdown closes it at once.
    var isOpenEnded: Bool {
        switch self {
        case .stalled, .feed: true
        default: false
        }
    }
}

/// Answer delivery: one buffer for JSON; for SSE, the frames as they fall due, those due
/// together in one write; a delayed answer when its time comes; a connection fault.
extension HTTPConnectionHandler {
    /// Due frames are gathered into writes of about this size.
    static let writeBatchBytes = 16 * 1024

    func answer(_ response: MockResponse, to request: MockRequest, head: RequestHead, keepAlive: Bool, arrival: UInt64,
                        context: ChannelHandlerContext) {
        metrics?.requestServed(response, last: &lastAnswer)
        requestArrival = arrival
        if let dashboard, response.routeName != "admin" {
            capture = ExchangeCapture(request, response, arrival: arrival, ring: dashboard.ring, cost: dashboard.cost(of: response))
        } else if let dashboard, response.status == 200, request.method == "POST", request.path == "/__understudy/reset" {
            dashboard.ring.resetHits()
        }
        for violation in response.violations {
            logger.warning("contract violation", metadata: ["request": "\(request.method) \(request.path)", "finding": "\(violation)"])
        }
        guard response.delayNanoseconds > 0 else {
            deliver(response, head: head, keepAlive: keepAlive, context: context)
            return
        }
        // Simulated latency: answer later; requests pipelined meanwhile wait their turn.
        wait = .delayed(Wait.DelayedAnswer(response, head, keepAlive: keepAlive))
        wait(until: context.eventLoop.now + .nanoseconds(response.delayNanoseconds))
    }

    func wait(until deadline: NIODeadline) {
        ticket &+= 1
        scheduler.schedule(self, ticket: ticket, at: deadline)
    }

    func deliver(_ response: MockResponse, head: RequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        let http10 = head.http10
        switch response.body {
        case .bytes(let bytes):
            let isHead = head.isHEAD
            var buffer = context.channel.allocator.buffer(capacity: 256 + bytes.count)
            HTTPResponseWriter.head(response, date: date(), contentLength: bytes.count, keepAlive: keepAlive, http10: http10, into: &buffer)
            if !isHead { buffer.writeBytes(bytes) }
            write(buffer, context: context)
            finishCapture()
            if !keepAlive { closeAfterFlush(context: context) }
        case .fault(let fault):
            finishCapture()
            carryOut(fault, context: context)
        case .stream(let plan):
            // HTTP/1.0 has no chunked encoding: send the stream and close to end it. The head
            // leaves with the first frames due.
            var buffer = context.channel.allocator.buffer(capacity: 512)
            HTTPResponseWriter.head(response, date: date(), contentLength: nil, keepAlive: keepAlive && !http10, http10: http10, into: &buffer)
            write(buffer, context: context)
            if let metrics { streamMeter = StreamMeter(metrics, arrival: requestArrival) }  // metrics
            let now = context.eventLoop.now
            wait = .frames(PacedStream(plan, start: now, chunked: !http10, keepAlive: keepAlive && !http10 && plan.ending == .complete))
            pump(horizon: now + StreamScheduler.tick, context: context)
        }
    }

    /// Sends what of the stream is due by `horizon`, in writes of about `writeBatchBytes`, while
    /// the channel is writable; then waits on the scheduler for the next frame, on the channel
    /// for writability, or finishes the stream.
    func pump(horizon: NIODeadline, context: ChannelHandlerContext) {
        // Held here while frames are written: a writability change meanwhile does not pump again.
        guard var current = wait.takeFrames() else { return }
        let channel = context.channel  // looked up once: each lookup goes through the pipeline
        while channel.isActive {
            guard channel.isWritable else {
                wait = .writable(current)
                break
            }
            var buffer = channel.allocator.buffer(capacity: 2048)
            // The dashboard hears of each frame, when it is on.
            let frames = current.write(dueBy: horizon, into: &buffer, limit: Self.writeBatchBytes, noting: capture != nil) {
                self.capture?.frameWritten($0, due: $1.uptimeNanoseconds)
            }
            for _ in 0..<frames { streamMeter?.frameWritten() }  // metrics
            if buffer.readableBytes > 0 {
                write(buffer, context: context)
                wroteFrame = true
            }
            if current.isFinished {
                finishStream(chunked: current.chunked, keepAlive: current.keepAlive, ending: current.ending, context: context)
                return
            }
            if buffer.readableBytes < Self.writeBatchBytes {
                // Nothing more is due yet.
                wait = .frames(current)
                wait(until: current.wakeAt)
                break
            }
        }
        flushIfPending(context: context)
    }

    func finishStream(chunked: Bool, keepAlive: Bool, ending: StreamPlan.Ending, context: ChannelHandlerContext) {
        wait = .none
        // Metrics: a stalled stream stays in flight until its connection closes.
        if ending != .stall { endStreamMeter() }
        finishCapture(ending: ending.rawValue)  // not "\(ending)": that reflects on the enum (0.5% of 10,000 streams)
        if ending == .close {
            // A cut stream: no terminating chunk, the connection just ends.
            closeAfterFlush(context: context)
            return
        }
        if ending == .stall {
            // A stalled provider: nothing more, the connection left open (until the client or a
            // shutdown gives up on it).
            wait = .stalled
            flushIfPending(context: context)
            return
        }
        if chunked {
            var last = context.channel.allocator.buffer(capacity: 5)
            last.writeStaticString(HTTPResponseWriter.lastChunk)
            write(last, context: context)
        }
        flushIfPending(context: context)
        if !keepAlive || quiescing {
            closeAfterFlush(context: context)
            return
        }
        serveWaiting(context: context)
    }

    /// Answers whatever was pipelined behind a stream or a delayed answer, in order.
    func serveWaiting(context: ChannelHandlerContext) {
        while !wait.busy, !closing, !waiting.isEmpty {
            let next = waiting.removeFirst()
            waitingBytes -= next.request?.body.count ?? 0
            serve(next.head, next.request, arrival: next.arrival, context: context)
        }
        flushIfPending(context: context)
        if readingPaused, !closing, waiting.isEmpty {
            readingPaused = false
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    /// Connection-level trouble, on request: reset, close without answering, or garbage.
    func carryOut(_ fault: Fault, context: ChannelHandlerContext) {
        switch fault {
        case .connectionReset:
            // SO_LINGER 0 turns the close into a reset (RST).
            closing = true
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            guard let socket = context.channel as? any SocketOptionProvider else {
                context.close(promise: nil)
                return
            }
            socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        case .garbageThenClose:
            write(context.channel.allocator.buffer(string: "\u{16}\u{03}\u{01}garbage, not HTTP\r\n\u{00}\u{ff}"), context: context)
            closeAfterFlush(context: context)
        default:
            closeAfterFlush(context: context)
        }
    }

    func respondWithError(_ error: APIError, path: String, context: ChannelHandlerContext, close: Bool) {
        let response = engine.errorResponse(error, flavor: engine.flavor(forPath: path))
        guard case .bytes(let bytes) = response.body else { return }
        var buffer = context.channel.allocator.buffer(capacity: 256 + bytes.count)
        HTTPResponseWriter.head(response, date: date(), contentLength: bytes.count, keepAlive: !close, http10: false, into: &buffer)
        buffer.writeBytes(bytes)
        write(buffer, context: context)
        if close { closeAfterFlush(context: context) }
    }

    func write(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(buffer), promise: nil)
        pendingFlush = true
    }

    func flushIfPending(context: ChannelHandlerContext) {
        guard pendingFlush else { return }
        pendingFlush = false
        context.flush()
    }

    func closeAfterFlush(context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        pendingFlush = false
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    func date() -> String {
        let now = engine.now()
        if dateCache.second != now { dateCache = (now, UTCDate.httpDate(now)) }
        return dateCache.text
    }

    /// The dashboard: the answer in flight is over, kept once (the capture goes with it).
    func finishCapture(ending: String? = nil) {
        capture.take()?.finish(ending: ending)
    }

    /// Metrics: the stream in flight is over, counted once (the meter goes with it).
    func endStreamMeter() {
        streamMeter?.end()
        streamMeter = nil
    }
}

extension HTTPConnectionHandler: ScheduledWork {
    func due(ticket: UInt64, horizon: NIODeadline) {
        guard ticket == self.ticket, let context else { return }
        if case .delayed(let answer) = wait {
            wait = .none
            deliver(answer.response, head: answer.head, keepAlive: answer.keepAlive && !quiescing, context: context)
            if !wait.busy && !closing { serveWaiting(context: context) }
            return
        }
        pump(horizon: horizon, context: context)
    }
}
