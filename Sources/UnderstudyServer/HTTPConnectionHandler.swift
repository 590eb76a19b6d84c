import Logging
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyMock

/// One connection's request loop: collects each request's head and body (within limits), asks the
/// engine for the answer and writes it — one buffer for JSON, flushed frame by frame for SSE.
/// Pipelined requests wait their turn, so answers leave in order.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let engine: MockEngine
    private let configuration: ServerConfiguration
    private let logger: Logger
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
    private var scheduledFrame: Scheduled<Void>?
    private var idleCheck: Scheduled<Void>?
    /// Set by every read; the idle check clears it. A connection is closed when a whole period
    /// passes without reads and nothing is in flight, so it lives one to two periods when idle.
    private var sawActivity = true
    /// A stream waiting for the client to read (the channel stopped being writable): where to
    /// resume. Frames are written only while the channel is writable, so a client that stops
    /// reading holds at most NIO's high-water mark, not the whole stream.
    private var pausedStream: (plan: StreamPlan, next: Int, chunked: Bool, keepAlive: Bool)?
    /// A frame was written since the last idle check.
    private var wroteFrame = false
    private var dateCache: (second: Int64, text: String) = (-1, "")

    init(engine: MockEngine, configuration: ServerConfiguration, logger: Logger, metrics: ServerMetrics?) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
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
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > configuration.maxBodyBytes {
                // Far too large to be worth draining: answer now and hang up, as nginx does.
                if length > configuration.maxBodyBytes * 4 {
                    respondWithError(.payloadTooLarge(limit: configuration.maxBodyBytes), path: head.uri, context: context, close: true)
                    return
                }
                bodyTooLarge = true
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
        let response = engine.respond(to: request)
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
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        scheduledFrame = context.eventLoop.scheduleTask(in: .nanoseconds(response.delayNanoseconds)) {
            let (handler, context) = bound.value
            handler.streaming = false
            handler.deliver(response, head: head, keepAlive: keepAlive && !handler.quiescing, context: context)
            if !handler.streaming && !handler.closing { handler.serveWaiting(context: context) }
        }
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
            // HTTP/1.0 has no chunked encoding: send the stream and close to end it.
            var buffer = context.channel.allocator.buffer(capacity: 512)
            HTTPResponseWriter.head(response, date: date(), contentLength: nil, keepAlive: keepAlive && !http10, http10: http10, into: &buffer)
            write(buffer, context: context)
            flushIfPending(context: context)
            streaming = true
            if let metrics { streamMeter = StreamMeter(metrics, arrival: requestArrival) }  // metrics
            let chunked = !http10
            let streamKeepAlive = keepAlive && !http10 && plan.ending == .complete
            if plan.firstFrameDelayNanoseconds > 0 {
                waitForFirstFrame(plan, remaining: plan.firstFrameDelayNanoseconds, chunked: chunked, keepAlive: streamKeepAlive, context: context)
            } else {
                writeFrames(plan, from: 0, chunked: chunked, keepAlive: streamKeepAlive, context: context)
            }
        }
    }

    private func writeFrames(_ plan: StreamPlan, from index: Int, chunked: Bool, keepAlive: Bool, context: ChannelHandlerContext) {
        var i = index
        while i < plan.frames.count {
            guard context.channel.isActive else { return }
            guard context.channel.isWritable else {
                pausedStream = (plan, i, chunked, keepAlive)
                return
            }
            wroteFrame = true
            streamMeter?.frameWritten()  // metrics
            var buffer = context.channel.allocator.buffer(capacity: plan.frames[i].count + 16)
            if chunked {
                HTTPResponseWriter.chunk(plan.frames[i], into: &buffer)
            } else {
                buffer.writeBytes(plan.frames[i])
            }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            i += 1
            let delay = i < plan.frames.count ? plan.delay(before: i) : 0
            if delay > 0 {
                let next = i
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                scheduledFrame = context.eventLoop.scheduleTask(in: .nanoseconds(delay)) {
                    let (handler, context) = bound.value
                    handler.writeFrames(plan, from: next, chunked: chunked, keepAlive: keepAlive, context: context)
                }
                return
            }
        }
        finishStream(chunked: chunked, keepAlive: keepAlive, ending: plan.ending, context: context)
    }

    /// Waits out the time to first token, sending the plan's keep-alive comment at once and then
    /// every second, as OpenRouter does while a provider thinks.
    private func waitForFirstFrame(_ plan: StreamPlan, remaining: Int64, chunked: Bool, keepAlive: Bool, context: ChannelHandlerContext) {
        if let comment = plan.waitingComment, context.channel.isActive {
            var buffer = context.channel.allocator.buffer(capacity: comment.count + 16)
            if chunked { HTTPResponseWriter.chunk(comment, into: &buffer) } else { buffer.writeBytes(comment) }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        let step = plan.waitingComment == nil ? remaining : min(remaining, 1_000_000_000)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        scheduledFrame = context.eventLoop.scheduleTask(in: .nanoseconds(step)) {
            let (handler, context) = bound.value
            if remaining > step {
                handler.waitForFirstFrame(plan, remaining: remaining - step, chunked: chunked, keepAlive: keepAlive, context: context)
            } else {
                handler.writeFrames(plan, from: 0, chunked: chunked, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func finishStream(chunked: Bool, keepAlive: Bool, ending: StreamPlan.Ending, context: ChannelHandlerContext) {
        scheduledFrame = nil
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
        if context.channel.isActive { scheduleIdleCheck(context: context) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let paused = pausedStream {
            pausedStream = nil
            writeFrames(paused.plan, from: paused.next, chunked: paused.chunked, keepAlive: paused.keepAlive, context: context)
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
            if handler.pausedStream != nil, !handler.wroteFrame {
                handler.pausedStream = nil
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
        scheduledFrame?.cancel()
        scheduledFrame = nil
        idleCheck?.cancel()
        idleCheck = nil
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
