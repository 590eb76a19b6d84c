import NIOCore

/// What travels down the pipeline: one batch of commands and the promise for its replies, so
/// that the handler queues the promise and writes the bytes in one step on the event loop.
struct RedisRequest: Sendable {
    var commands: [RedisCommand]
    var promise: EventLoopPromise<[RESPValue]>
}

extension TimeAmount {
    /// "2 s", "250 ms": for error messages.
    var spoken: String {
        nanoseconds % 1_000_000_000 == 0 ? "\(nanoseconds / 1_000_000_000) s" : "\(nanoseconds / 1_000_000) ms"
    }
}
