import NIOConcurrencyHelpers
import NIOCore

/// Sits on the listening channel and keeps every accepted connection, so that a graceful shutdown
/// can ask each to finish what it is doing and close.
final class ConnectionTracker: ChannelInboundHandler, Sendable {
    typealias InboundIn = Channel

    private struct State {
        var connections: [ObjectIdentifier: Channel] = [:]
        var drained: EventLoopPromise<Void>?
    }

    private let state = NIOLockedValueBox(State())

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = unwrapInboundIn(data)
        let id = ObjectIdentifier(channel)
        state.withLockedValue { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            let promise: EventLoopPromise<Void>? = state.withLockedValue { state in
                state.connections[id] = nil
                return state.connections.isEmpty ? state.drained : nil
            }
            promise?.succeed()
        }
        context.fireChannelRead(data)
    }

    /// Asks every open connection to close once its response in flight is written. The future
    /// completes when the last one has closed.
    func quiesce(on eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let open: [Channel] = state.withLockedValue { state in
            state.drained = promise
            return Array(state.connections.values)
        }
        if open.isEmpty { promise.succeed() }
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        return promise.futureResult
    }

    /// Closes whatever is still open (after the grace period).
    func closeAll() {
        let open = state.withLockedValue { Array($0.connections.values) }
        for channel in open { channel.close(promise: nil) }
    }
}
