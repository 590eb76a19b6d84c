import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyMock

/// One connection's request loop: collects each request's head and body (within limits), asks the
/// engine for the answer and writes it — one buffer for JSON; for SSE, the frames as they fall
/// due (the loop's `StreamScheduler` says when), those due together in one write.
/// Pipelined requests wait their turn, so answers leave in order.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let engine: MockEngine
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let scheduler: StreamScheduler
    /// Threads for an engine whose state waits on the network (nil: answer on the event loop).
    private let offload: NIOThreadPool?
    /// The connection's context while it is open, for the scheduler's calls.
    private var context: ChannelHandlerContext?
    /// Metrics (nil when off): the request being answered arrived at `requestArrival`
    /// (`StreamMeter.now()`); `streamMeter` times the stream being written.
    private let metrics: ServerMetrics?
    private var requestArrival: UInt64 = 0
    private var streamMeter: StreamMeter?

    /// The request being read.
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    /// Complete requests waiting for the one in flight to finish.
    private var waiting: [(head: HTTPRequestHead, request: MockRequest?, arrival: UInt64)] = []
    /// A streamed response is being written.
    private var streaming = false
    private var pendingFlush = false
    private var closing = false
    private var quiescing = false
    /// A stream stalled on purpose: nothing will finish it, so a shutdown closes it at once.
    private var stalled = false
    /// Names the connection's current wait on the scheduler; bumped when the connection stops
    /// waiting (closed, moved on), so the scheduler's stale calls are ignored.
    private var ticket: UInt64 = 0
    /// An answer held back by simulated latency.
    private var delayedAnswer: (response: MockResponse, head: HTTPRequestHead, keepAlive: Bool)?
    /// The stream being sent.
    private var stream: PacedStream?
    private var idleCheck: Scheduled<Void>?
    /// Set by every read; the idle check clears it. A connection is closed when a whole period
    /// passes without reads and nothing is in flight, so it lives one to two periods when idle.
    private var sawActivity = true
    /// The stream waits for the client to read (the channel stopped being writable). Frames are
    /// encoded only while the channel is writable, so a client that stops reading holds at most
    /// NIO's high-water mark, not the whole stream.
    private var paused = false
    /// A frame was written since the last idle check.
    private var wroteFrame = false
    private var dateCache: (second: Int64, text: String) = (-1, "")

    /// Due frames are gathered into writes of about this size.
    private static let writeBatchBytes = 16 * 1024

    init(engine: MockEngine, configuration: ServerConfiguration, logger: Logger, scheduler: StreamScheduler, metrics: ServerMetrics?,
         offload: NIOThreadPool?) {
        self.engine = engine
        self.offload = offload
        self.configuration = configuration
        self.logger = logger
        self.scheduler = scheduler
        self.metrics = metrics
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sawActivity = true
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.bodyTooLarge = false
            let expectsContinue = head.version.major == 1 && head.version.minor >= 1
                && head.headers["expect"].contains { $0.lowercased() == "100-continue" }
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > configuration.maxBodyBytes {
                // Far too large to be worth draining (or not sent yet, the client waiting for our
                // word): answer now and hang up, as nginx does.
                if length > configuration.maxBodyBytes * 4 || expectsContinue {
                    respondWithError(.payloadTooLarge(limit: configuration.maxBodyBytes), path: head.uri, context: context, close: true)
                    return
                }
                bodyTooLarge = true
            }
            // The client waits for this before sending the body (curl for a second). Not while
            // another answer is being written: the client then sends the body after its wait.
            if expectsContinue && !bodyTooLarge && !streaming && waiting.isEmpty {
                write(context.channel.allocator.buffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n"), context: context)
            }
        case .body(var chunk):
            guard !bodyTooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > configuration.maxBodyBytes {
                bodyTooLarge = true
                body = nil
                return
            }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let request: MockRequest? = bodyTooLarge ? nil : makeRequest(head, body: body)
            body = nil
            let arrival = StreamMeter.now()  // metrics: a stream's time to first token counts from here
            if streaming {
                waiting.append((head, request, arrival))
            } else {
                serve(head, request, arrival: arrival, context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfPending(context: context)
    }

    private func makeRequest(_ head: HTTPRequestHead, body: ByteBuffer?) -> MockRequest {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(head.headers.count)
        for (name, value) in head.headers { headers.append((name, value)) }
        let bytes = body.map { Array($0.readableBytesView) } ?? []
        return MockRequest(method: head.method.rawValue, target: head.uri, headers: headers, body: bytes)
    }

    // MARK: Writing

    private func serve(_ head: HTTPRequestHead, _ request: MockRequest?, arrival: UInt64, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive && !quiescing
        guard let request else {
            respondWithError(.payloadTooLarge(limit: configuration.maxBodyBytes), path: head.uri, context: context, close: !keepAlive)
            return
        }
        // Metrics: GET /metrics is answered here (the engine knows nothing of them); every other
        // answer is counted.
        if let scrape = metrics?.scrape(request) {
            deliver(scrape, head: head, keepAlive: keepAlive, context: context)
            return
        }
        if let offload {
            // The engine waits on a shared state: answer on the pool, deliver back on this loop;
            // requests pipelined meanwhile wait their turn.
            streaming = true
            let engine = engine
            offload.runIfActive(eventLoop: context.eventLoop) { engine.respond(to: request) }
                .assumeIsolated().whenComplete { result in
                    guard let context = self.context else { return }
                    self.streaming = false
                    switch result {
                    case .success(let response):
                        self.answer(response, to: request, head: head, keepAlive: keepAlive, arrival: arrival, context: context)
                    case .failure:
                        self.respondWithError(.stateUnavailable("the server is shutting down"), path: head.uri, context: context, close: true)
                    }
                    if !self.streaming && !self.closing { self.serveWaiting(context: context) }
                }
            return
        }
        answer(engine.respond(to: request), to: request, head: head, keepAlive: keepAlive, arrival: arrival, context: context)
    }

    private func answer(_ response: MockResponse, to request: MockRequest, head: HTTPRequestHead, keepAlive: Bool, arrival: UInt64,
                        context: ChannelHandlerContext) {
        metrics?.requestServed(response)
        requestArrival = arrival
        for violation in response.violations {
            logger.warning("contract violation", metadata: ["request": "\(request.method) \(request.path)", "finding": "\(violation)"])
        }
        guard response.delayNanoseconds > 0 else {
            deliver(response, head: head, keepAlive: keepAlive, context: context)
            return
        }
        // Simulated latency: answer later; requests pipelined meanwhile wait their turn.
        streaming = true
        delayedAnswer = (response, head, keepAlive)
        wait(until: context.eventLoop.now + .nanoseconds(response.delayNanoseconds))
    }

    private func wait(until deadline: NIODeadline) {
        ticket &+= 1
        scheduler.schedule(self, ticket: ticket, at: deadline)
    }

    private func deliver(_ response: MockResponse, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        let http10 = head.version.major == 1 && head.version.minor == 0
        switch response.body {
        case .bytes(let bytes):
            let isHead = head.method == .HEAD
            var buffer = context.channel.allocator.buffer(capacity: 256 + bytes.count)
            HTTPResponseWriter.head(response, date: date(), contentLength: bytes.count, keepAlive: keepAlive, http10: http10, into: &buffer)
            if !isHead { buffer.writeBytes(bytes) }
            write(buffer, context: context)
            if !keepAlive { closeAfterFlush(context: context) }
        case .fault(let fault):
            carryOut(fault, context: context)
        case .stream(let plan):
            // HTTP/1.0 has no chunked encoding: send the stream and close to end it. The head
            // leaves with the first frames due.
            var buffer = context.channel.allocator.buffer(capacity: 512)
            HTTPResponseWriter.head(response, date: date(), contentLength: nil, keepAlive: keepAlive && !http10, http10: http10, into: &buffer)
            write(buffer, context: context)
            streaming = true
            if let metrics { streamMeter = StreamMeter(metrics, arrival: requestArrival) }  // metrics
            let now = context.eventLoop.now
            stream = PacedStream(plan, start: now, chunked: !http10, keepAlive: keepAlive && !http10 && plan.ending == .complete)
            pump(horizon: now + StreamScheduler.tick, context: context)
        }
    }

    /// Sends what of the stream is due by `horizon`, in writes of about `writeBatchBytes`, while
    /// the channel is writable; then waits on the scheduler for the next frame, on the channel
    /// for writability, or finishes the stream.
    private func pump(horizon: NIODeadline, context: ChannelHandlerContext) {
        guard var current = stream else { return }
        stream = nil
        while context.channel.isActive {
            guard context.channel.isWritable else {
                paused = true
                stream = current
                break
            }
            var buffer = context.channel.allocator.buffer(capacity: 2048)
            let frames = current.write(dueBy: horizon, into: &buffer, limit: Self.writeBatchBytes)
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
                stream = current
                wait(until: current.wakeAt)
                break
            }
        }
        flushIfPending(context: context)
    }

    private func finishStream(chunked: Bool, keepAlive: Bool, ending: StreamPlan.Ending, context: ChannelHandlerContext) {
        streaming = false
        // Metrics: a stalled stream stays in flight until its connection closes.
        if ending != .stall { endStreamMeter() }
        if ending == .close {
            // A cut stream: no terminating chunk, the connection just ends.
            closeAfterFlush(context: context)
            return
        }
        if ending == .stall {
            // A stalled provider: nothing more, the connection left open (until the client or a
            // shutdown gives up on it).
            streaming = true
            stalled = true
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
    private func serveWaiting(context: ChannelHandlerContext) {
        while !streaming, !closing, !waiting.isEmpty {
            let next = waiting.removeFirst()
            serve(next.head, next.request, arrival: next.arrival, context: context)
        }
        flushIfPending(context: context)
    }

    /// Connection-level trouble, on request: reset, close without answering, or garbage.
    private func carryOut(_ fault: Fault, context: ChannelHandlerContext) {
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

    private func respondWithError(_ error: APIError, path: String, context: ChannelHandlerContext, close: Bool) {
        let response = engine.errorResponse(error, flavor: engine.flavor(forPath: path))
        guard case .bytes(let bytes) = response.body else { return }
        var buffer = context.channel.allocator.buffer(capacity: 256 + bytes.count)
        HTTPResponseWriter.head(response, date: date(), contentLength: bytes.count, keepAlive: !close, http10: false, into: &buffer)
        buffer.writeBytes(bytes)
        write(buffer, context: context)
        if close { closeAfterFlush(context: context) }
    }

    private func write(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(buffer), promise: nil)
        pendingFlush = true
    }

    private func flushIfPending(context: ChannelHandlerContext) {
        guard pendingFlush else { return }
        pendingFlush = false
        context.flush()
    }

    private func closeAfterFlush(context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        pendingFlush = false
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    private func date() -> String {
        let now = engine.now()
        if dateCache.second != now { dateCache = (now, UTCDate.httpDate(now)) }
        return dateCache.text
    }

    // MARK: Events

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if (!streaming || stalled) && head == nil { closeAfterFlush(context: context) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let tooLarge = error as? ChunkSizeGuard.ChunkTooLarge {
            // A chunk declared past the body limit: refused before any of it is read.
            if !closing && !streaming {
                respondWithError(.payloadTooLarge(limit: tooLarge.limit), path: head?.uri ?? "/", context: context, close: true)
                flushIfPending(context: context)
            } else {
                context.close(promise: nil)
            }
            return
        }
        if let parserError = error as? HTTPParserError, !closing, !streaming {
            // llhttp rejected the bytes: say why, then hang up (the stream can't be resynchronised).
            let detail: String = switch parserError {
            case .headerOverflow: "the request headers are larger than \(configuration.maxHeaderBytes) bytes or more than \(configuration.maxHeaderFields) fields"
            default: "\(parserError)"
            }
            let status = parserError == .headerOverflow ? 431 : 400
            var apiError = APIError.badHTTP(detail)
            apiError.status = status
            respondWithError(apiError, path: "/", context: context, close: true)
            flushIfPending(context: context)
            return
        }
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleIdleCheck(context: context)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { scheduleIdleCheck(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        forgetWaits()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, paused {
            paused = false
            pump(horizon: context.eventLoop.now + StreamScheduler.tick, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    private func scheduleIdleCheck(context: ChannelHandlerContext) {
        guard idleCheck == nil else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(in: TimeAmount(configuration.idleTimeout)) {
            let (handler, context) = bound.value
            handler.idleCheck = nil
            // A stream whose client stopped reading for a whole period is given up: what is
            // queued for it will never be flushed, so the connection is closed without waiting.
            if handler.paused, !handler.wroteFrame {
                handler.paused = false
                handler.stream = nil
                handler.closing = true
                context.close(promise: nil)
                return
            }
            handler.wroteFrame = false
            let busy = handler.streaming || handler.head != nil || !handler.waiting.isEmpty
            if handler.sawActivity || busy {
                handler.sawActivity = false
                handler.scheduleIdleCheck(context: context)
            } else {
                handler.closeAfterFlush(context: context)
            }
        }
    }

    /// Metrics: the stream in flight is over, counted once (the meter goes with it).
    private func endStreamMeter() {
        streamMeter?.end()
        streamMeter = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        endStreamMeter()  // metrics: a stream cut short by the client ends here
        forgetWaits()
        idleCheck?.cancel()
        idleCheck = nil
        context.fireChannelInactive()
    }

    /// The connection is gone: whatever it waited for is dropped, and the scheduler's calls for
    /// it are ignored when they come.
    private func forgetWaits() {
        ticket &+= 1
        stream = nil
        delayedAnswer = nil
        self.context = nil
    }
}

extension HTTPConnectionHandler: ScheduledWork {
    func due(ticket: UInt64, horizon: NIODeadline) {
        guard ticket == self.ticket, let context else { return }
        if let answer = delayedAnswer {
            delayedAnswer = nil
            streaming = false
            deliver(answer.response, head: answer.head, keepAlive: answer.keepAlive && !quiescing, context: context)
            if !streaming && !closing { serveWaiting(context: context) }
            return
        }
        pump(horizon: horizon, context: context)
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
