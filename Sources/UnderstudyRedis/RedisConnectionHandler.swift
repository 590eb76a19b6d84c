import NIOCore

/// The last handler of a Redis connection (after `ByteToMessageHandler(RESPDecoder())`).
///
/// Redis answers in order, so a FIFO of pending batches is all the matching there is: a write
/// encodes a batch into one buffer and queues its promise; each decoded reply goes to the oldest
/// batch, which completes when it has one reply per command. When the connection closes or fails,
/// or the oldest batch is not answered within `timeout`, every pending batch fails and the
/// connection is closed for good: after a timeout nobody knows which reply is whose any more.
final class RedisConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var request: RedisRequest
        var replies: [RESPValue]
        var deadline: NIODeadline
    }

    private let address: RedisAddress
    private let timeout: TimeAmount
    private var pending = CircularBuffer<Pending>()
    /// One timer, for the oldest batch only: deadlines grow along the queue.
    private var timer: Scheduled<Void>?
    /// Set when the connection is done; a batch written after that fails with it.
    private var failure: RedisError?

    init(address: RedisAddress, timeout: TimeAmount) {
        self.address = address
        self.timeout = timeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        guard !request.commands.isEmpty else {
            request.promise.succeed([])
            promise?.succeed()
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64 * request.commands.count)
        for command in request.commands { command.write(into: &buffer) }
        var replies: [RESPValue] = []
        replies.reserveCapacity(request.commands.count)
        pending.append(Pending(request: request, replies: replies, deadline: .now() + timeout))
        armTimer(context: context)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard !pending.isEmpty else {
            fail(context: context, .protocolViolation) { _ in "Redis at \(self.address) sent a reply nobody asked for" }
            return
        }
        pending[pending.startIndex].replies.append(reply)
        let first = pending[pending.startIndex]
        if first.replies.count == first.request.commands.count {
            // Dequeue before completing: the promise's callbacks may send the next batch at once.
            pending.removeFirst()
            first.request.promise.succeed(first.replies)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, .connectionLost) { "connection to Redis at \(self.address) lost while \($0) was pending" }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? RedisError, error.kind == .protocolViolation {
            fail(context: context, .protocolViolation) { "\(error.message) (from \(self.address), while \($0) was pending)" }
        } else {
            fail(context: context, .connectionLost) {
                "connection to Redis at \(self.address) failed (\(error)) while \($0) was pending"
            }
        }
    }

    private func armTimer(context: ChannelHandlerContext) {
        guard timer == nil, let oldest = pending.first else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: oldest.deadline) {
            self.timer = nil
            guard let oldest = self.pending.first else { return }
            if oldest.deadline > .now() {
                self.armTimer(context: context)
                return
            }
            let name = RedisCommand.describe(oldest.request.commands)
            self.fail(context: context, .timeout) { _ in
                "Redis at \(self.address) did not answer \(name) within \(self.timeout.spoken); connection closed"
            }
        }
    }

    /// Fails every pending batch (the message names each batch's commands, never their
    /// arguments), refuses later writes and closes the connection. Only the first call counts.
    private func fail(context: ChannelHandlerContext, _ kind: RedisError.Kind, _ message: (String) -> String) {
        guard failure == nil else { return }
        failure = RedisError(.connectionLost, "connection to Redis at \(address) is closed")
        timer?.cancel()
        timer = nil
        let failed = pending
        pending.removeAll()
        // Closed before the promises fail, so that a caller who retries from a failure callback
        // gets a new connection rather than this dead one.
        context.close(promise: nil)
        for batch in failed {
            batch.request.promise.fail(RedisError(kind, message(RedisCommand.describe(batch.request.commands))))
        }
    }
}
