import NIOCore
import Synchronization

/// One open page's live feed (SSE): rows offered from any thread wait in a bounded queue and are
/// written on the page's own event loop while its connection is writable. A page that stops
/// reading does not hold the server's memory: past `queueLimit` rows new ones are dropped, and
/// the page is told how many (`event: dropped`) so it can fetch the list again.
final class DashboardFeed: Sendable {
    static let queueLimit = 512

    private struct Queue {
        var events: [[UInt8]] = []
        var dropped = 0
        var flushScheduled = false
    }

    private let channel: any Channel
    private let queue = Mutex(Queue())

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Queues one SSE event (its complete text), or counts it dropped when the queue is full.
    func offer(_ event: [UInt8]) {
        let schedule = queue.withLock { q in
            if q.events.count >= Self.queueLimit {
                q.dropped += 1
            } else {
                q.events.append(event)
            }
            defer { q.flushScheduled = true }
            return !q.flushScheduled
        }
        if schedule { channel.eventLoop.execute { self.flush() } }
    }

    /// Writes what is queued, on the channel's loop; called again when the channel becomes writable.
    func flush() {
        channel.eventLoop.assertInEventLoop()
        let writable = channel.isWritable
        let (events, dropped) = queue.withLock { q in
            q.flushScheduled = false
            guard writable else { return ([[UInt8]](), 0) }
            defer { q.events.removeAll(keepingCapacity: true); q.dropped = 0 }
            return (q.events, q.dropped)
        }
        guard !events.isEmpty || dropped > 0 else { return }
        var text: [UInt8] = dropped > 0 ? Array("event: dropped\ndata: \(dropped)\n\n".utf8) : []
        for event in events { text += event }
        var buffer = channel.allocator.buffer(capacity: text.count + 16)
        HTTPResponseWriter.chunk(text, into: &buffer)
        channel.writeAndFlush(buffer, promise: nil)
    }
}
