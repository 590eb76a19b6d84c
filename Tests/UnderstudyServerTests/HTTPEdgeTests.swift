import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
import UnderstudyServer

/// HTTP/1.1 edges a client meets before its body is read: `Expect: 100-continue` answered, an
/// absurd chunk size refused at once (issue 21, item 14). Raw sockets: the client codec would hide
/// both.
@Suite("HTTP edges", .timeLimit(.minutes(1)))
struct HTTPEdgeTests {
    static let good = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#

    /// A raw connection. A server that never answers fails the test by the suite's time limit
    /// rather than hanging it.
    final class RawConnection {
        private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        private(set) var received = ""

        init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
            self.outbound = outbound
            self.inbound = inbound
        }

        func write(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text)) }

        /// Reads until what arrived contains `marker`; false if the server closed first.
        func read(until marker: String) async throws -> Bool {
            while !received.contains(marker) {
                guard let chunk = try await inbound.next() else { return false }
                received += String(buffer: chunk)
            }
            return true
        }

        /// Reads until the server closes the connection; true once it has (a reset counts).
        func closedByServer() async -> Bool {
            do {
                while let chunk = try await inbound.next() { received += String(buffer: chunk) }
            } catch {
                // A reset is a close too.
            }
            return true
        }
    }

    static func withRaw<T: Sendable>(port: Int, _ body: (RawConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawConnection(outbound: outbound, inbound: inbound.makeAsyncIterator()))
        }
    }

    @Test("Expect: 100-continue gets 100 Continue before the body is sent, then the answer")
    func expectContinue() async throws {
        try await withServer { server in
            try await Self.withRaw(port: server.port) { connection in
                try await connection.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "expect: 100-continue\r\ncontent-length: \(Self.good.utf8.count)\r\n\r\n")
                // Nothing of the body sent yet: the interim answer must come first.
                #expect(try await connection.read(until: "\r\n\r\n"))
                #expect(connection.received == "HTTP/1.1 100 Continue\r\n\r\n")
                try await connection.write(Self.good)
                #expect(try await connection.read(until: "\"object\":\"chat.completion\""))
                #expect(connection.received.contains("HTTP/1.1 200 OK\r\n"))
            }
        }
    }

    @Test("Expect: 100-continue over the body limit gets a 413 at once, without 100 Continue, and a close")
    func expectContinueTooLarge() async throws {
        try await withServer(configure: { $0.maxBodyBytes = 64 * 1024 }) { server in
            try await Self.withRaw(port: server.port) { connection in
                // Over the limit but under the 4× that is refused at once without Expect.
                try await connection.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "expect: 100-continue\r\ncontent-length: 100000\r\n\r\n")
                #expect(try await connection.read(until: "request_too_large"))
                #expect(connection.received.hasPrefix("HTTP/1.1 413 "))
                #expect(!connection.received.contains("100 Continue"))
                #expect(await connection.closedByServer())
            }
        }
    }

    @Test("a chunk size of 7fffffffffffffff is refused with 413 as its size line arrives, and the connection closed")
    func absurdChunkSize() async throws {
        try await withServer { server in
            try await Self.withRaw(port: server.port) { connection in
                // A good request first: the guard follows the framing past a whole chunked body.
                let body = Self.good
                try await connection.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\n\r\n\(String(body.utf8.count, radix: 16))\r\n\(body)\r\n0\r\n\r\n")
                #expect(try await connection.read(until: "\"object\":\"chat.completion\""))
                try await connection.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "Transfer-Encoding: Chunked\r\n\r\n7fffffffffffffff\r\n{\"model\"")
                #expect(try await connection.read(until: "request_too_large"))
                #expect(connection.received.contains("HTTP/1.1 413 "))
                #expect(await connection.closedByServer())
            }
            let after = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.good)
            #expect(after.status == 200)
        }
    }

    @Test("a chunked body in chunks under the limit is still served (sizes with extensions, upper-case hex)")
    func ordinaryChunks() async throws {
        try await withServer { server in
            try await Self.withRaw(port: server.port) { connection in
                let body = Array(Self.good.utf8)
                let first = String(decoding: body[..<10], as: UTF8.self), rest = String(decoding: body[10...], as: UTF8.self)
                try await connection.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\n\r\nA;name=value\r\n\(first)\r\n"
                    + "\(String(rest.utf8.count, radix: 16, uppercase: true))\r\n\(rest)\r\n0\r\nx-trailer: 1\r\n\r\n")
                #expect(try await connection.read(until: "\"object\":\"chat.completion\""))
                #expect(connection.received.hasPrefix("HTTP/1.1 200 OK\r\n"))
            }
        }
    }

    @Test("an Upgrade request (h2c, as curl --http2 sends) is answered as HTTP/1.1, and the connection goes on serving")
    func upgradeIgnored() async throws {
        try await withServer { server in
            try await Self.withRaw(port: server.port) { connection in
                try await connection.write("GET /v1/models HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\n"
                    + "upgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
                #expect(try await connection.read(until: "\"object\":\"list\""))
                #expect(connection.received.hasPrefix("HTTP/1.1 200 OK\r\n"))
                try await connection.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "content-length: \(Self.good.utf8.count)\r\n\r\n\(Self.good)")
                #expect(try await connection.read(until: "\"object\":\"chat.completion\""))
            }
        }
    }

    @Test("a header without a name, and a chunk's extensions past the head limit, get a 400 naming them and a close")
    func malformedFraming() async throws {
        try await withServer { server in
            for (request, says) in [
                ("GET /v1/models HTTP/1.1\r\nhost: x\r\n: nameless\r\n\r\n", "could not be parsed: Invalid header token"),
                ("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n1;"
                    + String(repeating: "e", count: 70_000) + "\r\n", "a chunk's extensions are longer than"),
            ] {
                try await Self.withRaw(port: server.port) { connection in
                    try await connection.write(request)
                    #expect(try await connection.read(until: says))
                    #expect(connection.received.hasPrefix("HTTP/1.1 400 "))
                    #expect(await connection.closedByServer())
                }
            }
        }
    }
}
