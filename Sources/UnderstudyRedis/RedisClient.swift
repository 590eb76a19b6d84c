import Dispatch
import NIOCore
import NIOPosix
import Synchronization

/// A pipelined Redis client over one TCP connection. Safe to use from any thread.
///
/// All of its state lives on one event loop of the group (`eventLoop`), which is also the
/// connection's: a batch is queued and written there in the order `send` was called, so replies,
/// which Redis sends in order, match their promises without any bookkeeping beyond a FIFO.
///
/// The connection is made lazily and remade after a loss: the next `send` after a close connects
/// again (one attempt at a time; batches sent meanwhile wait for it). After a failed attempt,
/// sends fail at once with `.unreachable` until `reconnectBackoff` has passed.
///
/// A Redis that stops answering (stopped, wedged, a network that drops packets) is worse than one
/// that refuses: every batch would wait out `timeout`. So the first batch that times out trips a
/// breaker: sends then fail at once with `.timeout` while a PING probes, every `reconnectBackoff`
/// after the last probe failed, and the first answer closes the breaker again.
public final class RedisClient: Sendable {
    public let address: RedisAddress
    public let timeout: TimeAmount
    public let reconnectBackoff: TimeAmount
    /// The loop that owns the connection and the client's state.
    public let eventLoop: any EventLoop

    private struct State: Sendable {
        var channel: (any Channel)?
        /// Non-nil while a connect attempt is in flight: the batches waiting for it, in order.
        var waiting: [RedisRequest]?
        var lastFailure: (at: NIODeadline, error: RedisError)?
        var closed = false
        /// Set while the breaker is open: the error sends fail with until a probe is answered.
        var breaker: RedisError?
    }

    private let state: NIOLoopBoundBox<State>
    private let connected = Atomic<Bool>(false)
    private let tripped = Atomic<Bool>(false)
    private let trips = Atomic<Int>(0)

    /// - Parameters:
    ///   - timeout: bounds a connect attempt, the wait for each batch's replies, and `call`.
    ///   - reconnectBackoff: how long sends fail fast after a failed connect attempt.
    public init(
        address: RedisAddress,
        group: any EventLoopGroup,
        timeout: TimeAmount = .seconds(2),
        reconnectBackoff: TimeAmount = .milliseconds(250)
    ) {
        self.address = address
        self.timeout = timeout
        self.reconnectBackoff = reconnectBackoff
        self.eventLoop = group.next()
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Whether the connection is up now.
    public var isConnected: Bool { connected.load(ordering: .relaxed) }

    /// Whether the breaker is open: Redis stopped answering and has not answered a probe since.
    public var isTripped: Bool { tripped.load(ordering: .relaxed) }

    /// How many times the breaker opened: once per silence, however many calls came meanwhile
    /// (those in flight when it opened waited with the first; every later one was refused).
    public var breakerTrips: Int { trips.load(ordering: .relaxed) }

    /// Connects (with `AUTH` when the address has a password, `SELECT` when its database is not 0)
    /// and PINGs. Throws `.unreachable` with the address in the message when no connection can be
    /// made, `.server` when Redis refuses `AUTH`, `SELECT` or `PING`.
    public func connect() async throws(RedisError) {
        let reply: RESPValue
        do {
            reply = try await send([RedisCommand("PING")]).get()[0]
        } catch let error as RedisError {
            switch error.kind {
            case .unreachable, .server, .protocolViolation, .invalidAddress: throw error
            case .connectionLost, .timeout: throw RedisError(.unreachable, error.message)
            }
        } catch {
            throw RedisError(.unreachable, "cannot reach Redis at \(address): \(error)")
        }
        if let message = reply.errorMessage {
            throw RedisError(.server, "Redis at \(address) answered PING with an error: \(message)")
        }
    }

    /// Sends the commands in one write and returns their replies in order. A Redis error reply is
    /// an `.error` in its slot, not a failure; the future fails (with a `RedisError`) when the
    /// connection is lost, cannot be made, or the replies take longer than `timeout` (counted
    /// from the write, so a send that must connect first may take up to twice `timeout`).
    public func send(_ commands: [RedisCommand]) -> EventLoopFuture<[RESPValue]> {
        let request = RedisRequest(commands: commands, promise: eventLoop.makePromise())
        request.promise.futureResult.whenFailure { error in
            if let error = error as? RedisError, error.kind == .timeout, !error.isBreaker { self.trip(error) }
        }
        if eventLoop.inEventLoop {
            submit(request)
        } else {
            eventLoop.execute { self.submit(request) }
        }
        return request.promise.futureResult
    }

    /// `send` for one command.
    public func send(_ command: RedisCommand) -> EventLoopFuture<RESPValue> {
        send([command]).map { $0[0] }
    }

    /// `send`, waiting at most `timeout` for the replies. It blocks its thread: call it from
    /// ordinary threads only, never from a NIO event loop (that is a precondition
    /// failure; use `send` there).
    public func call(_ commands: [RedisCommand]) throws(RedisError) -> [RESPValue] {
        precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil, "RedisClient.call blocks; on an event loop use send")
        final class Outcome: Sendable {
            let result = Mutex<Result<[RESPValue], RedisError>?>(nil)
            let done = DispatchSemaphore(value: 0)
        }
        let outcome = Outcome()
        send(commands).whenComplete { result in
            outcome.result.withLock { $0 = result.mapError(RedisClient.redisError) }
            outcome.done.signal()
        }
        if outcome.done.wait(timeout: .now() + .nanoseconds(Int(timeout.nanoseconds))) == .timedOut {
            let error = RedisError(.timeout, "Redis at \(address) did not answer \(RedisCommand.describe(commands)) within \(timeout.spoken)")
            // Queued before this thread can send again, so its next call meets the open breaker
            // (the connection's own timer for this batch may fire a moment later).
            eventLoop.execute { self.trip(error) }
            throw error
        }
        return try outcome.result.withLock { $0! }.get()
    }

    /// `call` for one command.
    public func call(_ command: RedisCommand) throws(RedisError) -> RESPValue {
        try call([command])[0]
    }

    /// Closes the connection; sends after this fail with `.connectionLost`.
    public func close() async {
        let closing = eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            self.state.value.closed = true
            guard let channel = self.state.value.channel else { return self.eventLoop.makeSucceededVoidFuture() }
            self.setChannel(nil)
            return channel.close()
        }
        try? await closing.get()
    }

    // MARK: On the event loop

    private func submit(_ request: RedisRequest, probing: Bool = false) {
        if state.value.closed {
            request.promise.fail(RedisError(.connectionLost, "the Redis client for \(address) is closed"))
            return
        }
        if let breaker = state.value.breaker, !probing {
            request.promise.fail(breaker)
            return
        }
        if let channel = state.value.channel, channel.isActive {
            write(request, to: channel)
            return
        }
        if state.value.waiting != nil {
            state.value.waiting!.append(request)
            return
        }
        if let last = state.value.lastFailure, .now() < last.at + reconnectBackoff {
            request.promise.fail(last.error)
            return
        }
        setChannel(nil)
        state.value.waiting = [request]
        makeConnection().whenComplete { result in self.connectionMade(result.mapError(Self.redisError)) }
    }

    /// Opens the breaker after a batch waited out the timeout, and starts probing.
    private func trip(_ error: RedisError) {
        guard state.value.breaker == nil, !state.value.closed else { return }
        trips.add(1, ordering: .relaxed)
        state.value.breaker = RedisError(.timeout, "\(error.message); \(RedisError.breakerNote)")
        tripped.store(true, ordering: .relaxed)
        scheduleProbe()
    }

    private func scheduleProbe() {
        eventLoop.assumeIsolated().scheduleTask(in: reconnectBackoff) { self.probe() }
    }

    /// A PING past the breaker (on the connection, or a new one if it was closed): an answer
    /// closes the breaker, anything else (within `timeout`) schedules the next probe.
    private func probe() {
        guard state.value.breaker != nil, !state.value.closed else { return }
        let ping = RedisRequest(commands: [RedisCommand("PING")], promise: eventLoop.makePromise())
        ping.promise.futureResult.assumeIsolated().whenComplete { result in
            if case .success(let replies) = result, replies.first?.errorMessage == nil {
                self.state.value.breaker = nil
                self.tripped.store(false, ordering: .relaxed)
            } else {
                self.scheduleProbe()
            }
        }
        submit(ping, probing: true)
    }

    /// The connection in use, if any; `isConnected` follows it.
    private func setChannel(_ channel: (any Channel)?) {
        state.value.channel = channel
        connected.store(channel != nil, ordering: .relaxed)
    }

    /// Writes through the handler, which queues the promise; if the channel closed and its
    /// handlers are gone, the write itself fails and so must the batch.
    private func write(_ request: RedisRequest, to channel: any Channel) {
        let written = eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            request.promise.fail(RedisError(.connectionLost, "connection to Redis at \(self.address) lost: \(error)"))
        }
        channel.writeAndFlush(request, promise: written)
    }

    private func connectionMade(_ result: Result<any Channel, RedisError>) {
        let waiting = state.value.waiting ?? []
        state.value.waiting = nil
        switch result {
        case .success(let channel) where state.value.closed:
            channel.close(promise: nil)
            let error = RedisError(.connectionLost, "the Redis client for \(address) is closed")
            for request in waiting { request.promise.fail(error) }
        case .success(let channel):
            setChannel(channel)
            state.value.lastFailure = nil
            channel.closeFuture.whenComplete { _ in
                if let current = self.state.value.channel, current === channel { self.setChannel(nil) }
            }
            for request in waiting { write(request, to: channel) }
        case .failure(let error):
            state.value.lastFailure = (.now(), error)
            for request in waiting { request.promise.fail(error) }
        }
    }

    /// A connected channel, authenticated and on the right database; fails with `.server` when
    /// Redis refuses a setup command, `.unreachable` otherwise.
    private func makeConnection() -> EventLoopFuture<any Channel> {
        let address = self.address
        let timeout = self.timeout
        let setup = Self.setupCommands(for: address)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RESPDecoder()),
                        RedisConnectionHandler(address: address, timeout: timeout)
                    )
                }
            }
            .connect(host: address.host, port: address.port)
            .flatMap { channel -> EventLoopFuture<any Channel> in
                guard !setup.isEmpty else { return channel.eventLoop.makeSucceededFuture(channel) }
                let request = RedisRequest(commands: setup, promise: channel.eventLoop.makePromise())
                self.write(request, to: channel)
                return request.promise.futureResult.flatMapThrowing { replies in
                    for (command, reply) in zip(setup, replies) {
                        if let message = reply.errorMessage {
                            channel.close(promise: nil)
                            throw RedisError(.server, "Redis at \(address) refused \(command.name): \(message)")
                        }
                    }
                    return channel
                }
            }
            .flatMapErrorThrowing { error in
                if let error = error as? RedisError, error.kind == .server { throw error }
                throw RedisError(.unreachable, "cannot reach Redis at \(address): \(Self.redisError(error).message)")
            }
    }

    private static func setupCommands(for address: RedisAddress) -> [RedisCommand] {
        var setup: [RedisCommand] = []
        if let password = address.password {
            setup.append(address.username.map { RedisCommand("AUTH", $0, password) } ?? RedisCommand("AUTH", password))
        }
        if address.database != 0 { setup.append(RedisCommand("SELECT", address.database)) }
        return setup
    }

    private static func redisError(_ error: any Error) -> RedisError {
        if let error = error as? RedisError { return error }
        return RedisError(.connectionLost, "\(error)")
    }
}
