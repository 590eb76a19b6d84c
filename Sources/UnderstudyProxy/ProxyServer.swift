import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import UnderstudyContract

/// `understudy proxy`: an HTTP/1.1 server whose every request is forwarded upstream by a
/// `Forwarder`. Connections are served with structured concurrency (NIOAsyncChannel), one task
/// each, requests in order; `shutdown()` stops accepting and lets exchanges in flight finish.
public final class ProxyServer: Sendable {
    public let configuration: ProxyConfiguration
    public let host: String
    public let port: Int
    /// The recording file, when recording.
    public let recordingPath: String?

    private let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let forwarder: Forwarder
    private let serving: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let http: HTTPClient

    public var baseURL: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }

    /// The exchanges seen so far and their violations, oldest first.
    public var journal: [(method: String, path: String, status: Int, violations: [String])] {
        forwarder.journal.entries.map { ($0.method, $0.path, $0.status, $0.violations) }
    }

    private init(configuration: ProxyConfiguration, listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
                 forwarder: Forwarder, http: HTTPClient, recordingPath: String?) throws {
        self.configuration = configuration
        self.listener = listener
        self.forwarder = forwarder
        self.http = http
        self.recordingPath = recordingPath
        guard let address = listener.channel.localAddress, let port = address.port else { throw ChannelError.unknownLocalAddress }
        self.host = address.ipAddress ?? configuration.host
        self.port = port
    }

    /// Binds, opens the recording, and starts serving; returns once the socket listens.
    public static func start(configuration: ProxyConfiguration, validator: ExchangeValidator,
                             logger: Logger = Logger(label: "understudy.proxy")) async throws -> ProxyServer {
        let recorder = try configuration.recordDirectory.map { try ExchangeRecorder(directory: $0) }
        var clientConfiguration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(300)))
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let forwarder = Forwarder(configuration: configuration, validator: validator, http: http, recorder: recorder, logger: logger)
        do {
            let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)  // not .socketOption: that is SO_DEBUG (see UnderstudyServer)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                    }
                }
            let server = try ProxyServer(configuration: configuration, listener: listener, forwarder: forwarder, http: http,
                                         recordingPath: recorder?.path)
            server.serving.withLock { $0 = Task { await server.acceptLoop() } }
            return server
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func acceptLoop() async {
        await withDiscardingTaskGroup { group in
            try? await listener.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    /// One connection: each request read whole (within the body limit), then forwarded; answers
    /// leave in order.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.clear()
                    tooLarge = false
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes > configuration.maxBodyBytes { tooLarge = true }
                    if !tooLarge { body.writeBuffer(&chunk) }
                case .end:
                    guard let request = head else { continue }
                    head = nil
                    let keepAlive = try await forwarder.handle(request, body: tooLarge ? nil : body, outbound: outbound)
                    if !keepAlive || !request.isKeepAlive { return }
                }
            }
        }
    }

    /// Stops accepting, waits for exchanges in flight (up to the grace period), then closes the
    /// remaining connections and the upstream client.
    public func shutdown() async {
        try? await listener.channel.close()
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while forwarder.inFlight > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let task = serving.withLock { $0 }
        task?.cancel()
        await task?.value
        try? await http.shutdown()
    }
}
