import NIOCore
import UnderstudyMock

/// The dashboard's live feed on this connection: an SSE head, then rows as the ring gets them,
/// until the page goes. The idle check leaves it open (it is a wait in flight).
extension HTTPConnectionHandler {
    func startFeed(_ dashboard: Dashboard, context: ChannelHandlerContext) {
        let head = MockResponse(status: 200, headers: [("content-type", "text/event-stream")], body: .bytes([]))
        var buffer = context.channel.allocator.buffer(capacity: 256)
        HTTPResponseWriter.head(head, date: date(), contentLength: nil, keepAlive: true, http10: false, into: &buffer)
        // The browser reconnects a second after a drop (and then fetches the list again).
        HTTPResponseWriter.chunk(Array("retry: 1000\n\n".utf8), into: &buffer)
        write(buffer, context: context)
        flushIfPending(context: context)
        let feed = DashboardFeed(channel: context.channel)
        wait = .feed(feed)
        dashboard.ring.subscribe(feed)
    }
}
