import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 client for tests: NIO's client codec over a TCP socket to the server under test.
/// Records each body part as it arrives, so tests can see how a stream was flushed.
struct HTTPResult: Sendable {
    var status: Int
    var headers: HTTPHeaders
    /// Body parts in arrival order (after chunked decoding).
    var parts: [[UInt8]]
    var body: [UInt8] { parts.flatMap { $0 } }
    var text: String { String(decoding: body, as: UTF8.self) }
}

final class TestConnection {
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator

    fileprivate init(outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>,
                     inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator) {
        self.outbound = outbound
        self.inbound = inbound
    }

    /// Sends one request and reads its whole response.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil,
              headers: [(String, String)] = [("content-type", "application/json")]) async throws -> HTTPResult {
        try await write(method, path, body: body, headers: headers)
        return try await read()
    }

    func write(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil,
               headers: [(String, String)] = [("content-type", "application/json")]) async throws {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "host", value: "127.0.0.1")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.add(name: "content-length", value: String(body.count)) }
        // One write for the whole request. Written part by part, a server that answers and closes
        // as soon as the body is in (a fault, a stream cut short) could close the channel between
        // the body and the (empty) end part, and writing the end then failed with "I/O on closed
        // channel": the flaky stream-error test, about one run in 13 on a loaded machine.
        var parts: [HTTPClientRequestPart] = [.head(head)]
        if let body { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }

    /// Reads one whole response; `afterHead` runs once its head has arrived.
    func read(afterHead: () async -> Void = {}) async throws -> HTTPResult {
        var result = HTTPResult(status: 0, headers: [:], parts: [])
        while true {
            let next: HTTPClientResponsePart?
            do {
                next = try await inbound.next()
            } catch {
                // The connection ended mid-body (a cut stream): keep what arrived.
                throw TestClientError.closedEarly(result)
            }
            guard let part = next else { break }
            switch part {
            case .head(let head):
                result.status = Int(head.status.code)
                result.headers = head.headers
                await afterHead()
            case .body(let buffer):
                result.parts.append(Array(buffer.readableBytesView))
            case .end:
                return result
            }
        }
        throw TestClientError.closedEarly(result)
    }

    /// Reads until the server closes the connection: true if it did.
    func isClosedByServer() async throws -> Bool {
        try await inbound.next() == nil
    }
}

enum TestClientError: Error {
    case closedEarly(HTTPResult)
}

enum TestHTTPClient {
    /// Opens a connection to 127.0.0.1:`port`, runs `body` with it, then closes it.
    static func withConnection<T: Sendable>(port: Int, _ body: (TestConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(TestConnection(outbound: outbound, inbound: inbound.makeAsyncIterator()))
        }
    }

    /// One request on a fresh connection.
    static func send(port: Int, _ method: HTTPMethod, _ path: String, json: String? = nil,
                     headers: [(String, String)] = [("content-type", "application/json")]) async throws -> HTTPResult {
        try await withConnection(port: port) { try await $0.send(method, path, body: json.map { Array($0.utf8) }, headers: headers) }
    }

    /// Writes raw bytes (not necessarily HTTP) and returns everything the server sends until it closes.
    static func raw(port: Int, _ bytes: [UInt8]) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            do {
                for try await chunk in inbound { received.append(contentsOf: chunk.readableBytesView) }
            } catch {
                // A reset after the answer still leaves the answer.
            }
            return String(decoding: received, as: UTF8.self)
        }
    }
}
