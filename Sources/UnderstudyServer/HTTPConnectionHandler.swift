import Logging
import NIOCore
import NIOPosix
import UnderstudyMock

/// One connection's request loop: reads each request's head and body (within limits), admits it
/// (the body limit, `GET /metrics`) and asks the engine for the answer, which AnswerDelivery.swift
/// writes. Pipelined requests wait their turn, so answers leave in order.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let engine: MockEngine
    let configuration: ServerConfiguration
    let logger: Logger
    let scheduler: StreamScheduler
    /// Threads for an engine whose state waits on the network (nil: answer on the event loop).
    private let offload: NIOThreadPool?
    /// The connection's context while it is open, for the scheduler's calls.
    var context: ChannelHandlerContext?
    /// Metrics (nil when off): the request being answered arrived at `requestArrival`
    /// (`StreamMeter.now()`); `streamMeter` times the stream being written.
    let metrics: ServerMetrics?
    /// The metrics' counters for this connection's last kind of answer.
    var lastAnswer: AnswerMemo?
    var requestArrival: UInt64 = 0
    var streamMeter: StreamMeter?
    /// The dashboard (nil when off), and the exchange in flight noted for it.
    let dashboard: Dashboard?
    var capture: ExchangeCapture?

    /// Reads the requests off the connection's bytes.
    private let reader: RequestReader
    /// The head of the request being read (its body has not all arrived).
    var head: RequestHead?
    /// Complete requests waiting for the one in flight to finish (nil: its body passed the limit).
    var waiting: [(head: RequestHead, request: MockRequest?, arrival: UInt64)] = []
    /// Their bodies' bytes. Past `waitingLimit` requests or the body limit in bytes, the connection
    /// stops reading until they are answered (TCP holds the rest at the client): behind a stream
    /// that never ends (a stall) a client could otherwise queue requests without bound.
    var waitingBytes = 0
    static let waitingLimit = 16
    var readingPaused = false
    /// What the answer in flight waits on (AnswerDelivery.swift); requests behind it wait their turn.
    var wait: Wait = .none
    var pendingFlush = false
    var closing = false
    var quiescing = false
    /// Names the connection's current wait on the scheduler; bumped when the connection stops
    /// waiting (closed, moved on), so the scheduler's stale calls are ignored.
    var ticket: UInt64 = 0
    private var idleCheck: Scheduled<Void>?
    /// Set by every read; the idle check clears it. A connection is closed when a whole period
    /// passes without reads and nothing is in flight, so it lives one to two periods when idle.
    private var sawActivity = true
    /// A frame was written since the last idle check.
    var wroteFrame = false
    var dateCache: (second: Int64, text: String) = (-1, "")

    init(engine: MockEngine, configuration: ServerConfiguration, logger: Logger, scheduler: StreamScheduler, metrics: ServerMetrics?,
         dashboard: Dashboard?, offload: NIOThreadPool?) {
        self.engine = engine
        self.dashboard = dashboard
        self.offload = offload
        self.configuration = configuration
        self.logger = logger
        self.scheduler = scheduler
        self.metrics = metrics
        reader = RequestReader(limits: .init(body: configuration.maxBodyBytes, headBytes: configuration.maxHeaderBytes,
                                             headerFields: configuration.maxHeaderFields))
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sawActivity = true
        guard !closing else { return }
        let failure = unwrapInboundIn(data).withUnsafeReadableBytes { reader.read($0) }
        for index in reader.events.indices where !closing {
            switch reader.events[index] {
            case .head(let head, let declaredLength, let expectsContinue):
                headRead(head, declaredLength: declaredLength, expectsContinue: expectsContinue, context: context)
            case .request(let head, let request):
                self.head = nil
                let arrival = StreamMeter.now()  // metrics: a stream's time to first token counts from here
                if wait.busy {
                    waiting.append((head, request, arrival))
                    waitingBytes += request?.body.count ?? 0
                } else {
                    serve(head, request, arrival: arrival, context: context)
                }
            }
        }
        reader.clearEvents()
        if let failure, !closing { refuse(failure, context: context) }
        if !readingPaused, waiting.count >= Self.waitingLimit || waitingBytes > configuration.maxBodyBytes {
            readingPaused = true
            try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfPending(context: context)
    }

    private func headRead(_ head: RequestHead, declaredLength: UInt64?, expectsContinue: Bool, context: ChannelHandlerContext) {
        self.head = head
        // Far too large to be worth draining (or not sent yet, the client waiting for our word):
        // answer now and hang up, as nginx does. A body a little past the limit is read and
        // dropped (the reader keeps none of it), then answered 413 in its turn.
        let limit = UInt64(configuration.maxBodyBytes)
        if let declaredLength, declaredLength > limit, declaredLength > limit * 4 || expectsContinue {
            respondWithError(.payloadTooLarge(limit: configuration.maxBodyBytes), path: head.target, context: context, close: true)
            return
        }
        // The client waits for this before sending the body (curl for a second). Not while
        // another answer is being written: the client then sends the body after its wait.
        if expectsContinue && !wait.busy && waiting.isEmpty {
            write(context.channel.allocator.buffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n"), context: context)
        }
    }

    /// The bytes cannot be read as HTTP/1.x: say why (unless an answer is being written), then hang
    /// up (the stream of bytes can't be resynchronised).
    private func refuse(_ failure: RequestReader.Failure, context: ChannelHandlerContext) {
        guard !wait.busy else {
            context.close(promise: nil)
            return
        }
        let error: APIError
        switch failure {
        case .chunkTooLarge:
            error = .payloadTooLarge(limit: configuration.maxBodyBytes)
        case .headerOverflow:
            var overflow = APIError.badHTTP("the request headers are larger than \(configuration.maxHeaderBytes) bytes or more than \(configuration.maxHeaderFields) fields")
            overflow.status = 431
            error = overflow
        case .malformed(let reason):
            error = .badHTTP(reason)
        }
        respondWithError(error, path: head?.target ?? "/", context: context, close: true)
        flushIfPending(context: context)
    }

    // MARK: Writing

    func serve(_ head: RequestHead, _ request: MockRequest?, arrival: UInt64, context: ChannelHandlerContext) {
        let keepAlive = head.keepAlive && !quiescing
        guard let request else {
            respondWithError(.payloadTooLarge(limit: configuration.maxBodyBytes), path: head.target, context: context, close: !keepAlive)
            return
        }
        // Metrics: GET /metrics is answered here (the engine knows nothing of them); every other
        // answer is counted.
        if let scrape = metrics?.scrape(request) {
            deliver(scrape, head: head, keepAlive: keepAlive, context: context)
            return
        }
        if let dashboard, let page = dashboard.answer(request) {
            switch page {
            case .response(let response): deliver(response, head: head, keepAlive: keepAlive, context: context)
            case .feed: startFeed(dashboard, context: context)
            }
            return
        }
        if let offload {
            // The engine waits on a shared state: answer on the pool, deliver back on this loop;
            // requests pipelined meanwhile wait their turn.
            wait = .engine
            let engine = engine
            offload.runIfActive(eventLoop: context.eventLoop) { engine.respond(to: request) }
                .assumeIsolated().whenComplete { result in
                    guard let context = self.context else { return }
                    self.wait = .none
                    switch result {
                    case .success(let response):
                        self.answer(response, to: request, head: head, keepAlive: keepAlive, arrival: arrival, context: context)
                    case .failure:
                        self.respondWithError(.stateUnavailable("the server is shutting down"), path: head.target, context: context, close: true)
                    }
                    if !self.wait.busy && !self.closing { self.serveWaiting(context: context) }
                }
            return
        }
        answer(engine.respond(to: request), to: request, head: head, keepAlive: keepAlive, arrival: arrival, context: context)
    }

    // MARK: Events

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if (!wait.busy || wait.isOpenEnded) && head == nil { closeAfterFlush(context: context) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
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
        if context.channel.isWritable, let stream = wait.takeWritable() {
            wait = .frames(stream)
            pump(horizon: context.eventLoop.now + StreamScheduler.tick, context: context)
        }
        if context.channel.isWritable, case .feed(let feed) = wait { feed.flush() }
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
            if case .writable = handler.wait, !handler.wroteFrame {
                handler.wait = .none
                handler.closing = true
                context.close(promise: nil)
                return
            }
            handler.wroteFrame = false
            let busy = handler.wait.busy || handler.head != nil || !handler.waiting.isEmpty
            if handler.sawActivity || busy {
                handler.sawActivity = false
                handler.scheduleIdleCheck(context: context)
            } else {
                handler.closeAfterFlush(context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        endStreamMeter()  // metrics: a stream cut short by the client ends here
        finishCapture(ending: "client")  // the dashboard: an answer the client did not wait for
        forgetWaits()
        idleCheck?.cancel()
        idleCheck = nil
        context.fireChannelInactive()
    }

    /// The connection is gone: whatever it waited for is dropped, and the scheduler's calls for
    /// it are ignored when they come.
    private func forgetWaits() {
        if case .feed(let feed) = wait { dashboard?.ring.unsubscribe(feed) }
        ticket &+= 1
        wait = .none
        self.context = nil
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
