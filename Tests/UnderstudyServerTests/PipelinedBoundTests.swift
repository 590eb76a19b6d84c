import Logging
import NIOCore
import NIOEmbedded
import Testing
@testable import UnderstudyServer
import UnderstudyMock

/// Requests pipelined behind an answer still being written are bounded: past a few (or the body
/// limit in bytes) the connection stops reading until they are answered, so a client cannot queue
/// requests without end behind a stream (a stall never ends). The real handler on an embedded
/// channel, its clock advanced by hand.
@Suite("Pipelined requests are bounded")
struct PipelinedBoundTests {
    static let stream = #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Describe a busy city market"}]}"#

    @Test("behind a paced stream the connection stops reading past the limit, then reads again and answers all in order")
    func readingPausesAndResumes() throws {
        let mock = MockConfiguration(fixtures: try Fixtures.embedded(), contract: testContract, selfCheck: false, seed: 0,
                                     clock: .fixed(1_751_328_000), streamIntervalNanoseconds: 10_000_000)
        let channel = EmbeddedChannel()
        let handler = HTTPConnectionHandler(engine: MockEngine(configuration: mock), configuration: ServerConfiguration(),
                                            logger: Logger(label: "test"), scheduler: StreamScheduler(eventLoop: channel.embeddedEventLoop),
                                            metrics: nil, dashboard: nil, offload: nil)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()

        let pipelined = HTTPConnectionHandler.waitingLimit + 24
        var bytes = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: \(Self.stream.utf8.count)\r\n\r\n\(Self.stream)"
        for i in 0..<pipelined { bytes += "GET /v1/models?n=\(i) HTTP/1.1\r\nhost: x\r\n\r\n" }
        try channel.writeInbound(ByteBuffer(string: bytes))
        #expect(handler.waiting.count == pipelined)
        // (EmbeddedChannel always reports autoRead on: the handler's flag is what it asked for.)
        #expect(handler.readingPaused, "reading paused past \(HTTPConnectionHandler.waitingLimit) waiting")

        channel.embeddedEventLoop.advanceTime(by: .seconds(5))  // the stream's 108 frames, 10 ms apart
        #expect(handler.waiting.isEmpty)
        #expect(!handler.readingPaused, "reading again once they are answered")
        var written = ""
        while let part = try channel.readOutbound(as: ByteBuffer.self) { written += String(buffer: part) }
        #expect(written.contains("data: [DONE]"))
        #expect(written.split(separator: "HTTP/1.1 200 OK", omittingEmptySubsequences: false).count - 1 == pipelined + 1)
        let done = try #require(written.firstRange(of: "data: [DONE]")), list = try #require(written.firstRange(of: "\"object\":\"list\""))
        #expect(done.lowerBound < list.lowerBound)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
