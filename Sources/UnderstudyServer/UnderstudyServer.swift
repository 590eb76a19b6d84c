import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import UnderstudyMock

/// The HTTP/1.1 server: binds, accepts, and hands each connection to an `HTTPConnectionHandler`
/// in a pipeline composed in one place (`configure(_:)`). Shut down gracefully with `shutdown()`.
public final class UnderstudyServer: Sendable {
    public let engine: MockEngine
    public let configuration: ServerConfiguration
    /// What GET /metrics shows (nil with `configuration.metrics` off).
    public let metrics: ServerMetrics?
    /// The dashboard at /__understudy/ (nil with `configuration.dashboardBytes` nil or the admin API off).
    public let dashboard: Dashboard?
    /// The address actually bound (with port 0, the port the system chose).
    public let host: String
    public let port: Int

    private let group: MultiThreadedEventLoopGroup
    private let offload: NIOThreadPool?
    private let listener: Channel
    private let tracker: ConnectionTracker
    private let logger: Logger
    private let stopped = NIOLockedValueBox(false)

    /// `http://HOST:PORT`, for clients.
    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    private init(engine: MockEngine, configuration: ServerConfiguration, metrics: ServerMetrics?, dashboard: Dashboard?,
                 group: MultiThreadedEventLoopGroup,
                 offload: NIOThreadPool?, listener: Channel, tracker: ConnectionTracker, logger: Logger) throws {
        self.offload = offload
        self.engine = engine
        self.configuration = configuration
        self.metrics = metrics
        self.dashboard = dashboard
        self.group = group
        self.listener = listener
        self.tracker = tracker
        self.logger = logger
        guard let address = listener.localAddress, let port = address.port else {
            throw ChannelError.unknownLocalAddress
        }
        self.host = address.ipAddress ?? configuration.host
        self.port = port
    }

    /// Binds and starts serving; returns once the socket is listening.
    public static func start(
        engine: MockEngine, configuration: ServerConfiguration = ServerConfiguration(),
        logger: Logger = Logger(label: "understudy.server")
    ) async throws -> UnderstudyServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let tracker = ConnectionTracker()
        let schedulers = StreamSchedulers(group)
        let metrics = configuration.metrics ? ServerMetrics(engine: engine) : nil
        // The dashboard lives where the admin API does: none when that is off.
        let dashboard = configuration.dashboardBytes.flatMap { engine.configuration.admin == .off ? nil : Dashboard(engine: engine, byteLimit: $0) }
        // An engine on a shared state blocks for its round trips: those answers are made here.
        let offload = engine.waitsOnNetwork ? NIOThreadPool(numberOfThreads: max(1, configuration.stateThreads)) : nil
        offload?.start()
        do {
            let listener = try await ServerBootstrap(group: group)
                // The usual somaxconn: a load test opening thousands of connections at once overflowed 512.
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Connections accepted per wake-up of the listening socket (NIO's default is 4): with the
                // loops busy pacing thousands of streams, a burst of 10,000 connects waited in the
                // backlog for seconds, a health check behind them for the whole run.
                .serverChannelOption(.maxMessagesPerRead, value: 256)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(tracker) }
                }
                // TCP_NODELAY at the TCP level: `.socketOption(.tcp_nodelay)` is SOL_SOCKET's option 1,
                // SO_DEBUG, which a process without CAP_NET_ADMIN may not set, and NIO then closed every
                // accepted connection (found running the image as its non-root user).
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try configure(channel, engine: engine, configuration: configuration, logger: logger,
                                      scheduler: schedulers.scheduler(for: channel.eventLoop), metrics: metrics,
                                      dashboard: dashboard, offload: offload)
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
            return try UnderstudyServer(engine: engine, configuration: configuration, metrics: metrics, dashboard: dashboard, group: group,
                                        offload: offload, listener: listener, tracker: tracker, logger: logger)
        } catch {
            try? await offload?.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The whole per-connection pipeline: one handler, which reads requests with llhttp
    /// (RequestReader.swift) and keeps the idle timer too (NIO's IdleStateHandler reschedules a
    /// timer on every read and write, which cost a fifth of a canned request's time here).
    private static func configure(_ channel: Channel, engine: MockEngine, configuration: ServerConfiguration, logger: Logger,
                                  scheduler: StreamScheduler, metrics: ServerMetrics?, dashboard: Dashboard?, offload: NIOThreadPool?) throws {
        try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(engine: engine, configuration: configuration, logger: logger,
                                                                             scheduler: scheduler, metrics: metrics, dashboard: dashboard,
                                                                             offload: offload))
    }

    /// Stops accepting, lets every response in flight finish (up to the grace period), closes the
    /// connections and stops the event loops.
    public func shutdown() async {
        let alreadyStopped = stopped.withLockedValue { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        try? await listener.close()
        let drained = tracker.quiesce(on: group.next())
        let deadline = group.next().scheduleTask(in: TimeAmount(configuration.shutdownGracePeriod)) { [tracker] in tracker.closeAll() }
        try? await drained.get()
        deadline.cancel()
        try? await offload?.shutdownGracefully()
        try? await group.shutdownGracefully()
    }
}
