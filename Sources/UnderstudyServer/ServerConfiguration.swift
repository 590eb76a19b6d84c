import NIOCore

/// Where and how the server listens, and the limits it holds clients to.
public struct ServerConfiguration: Sendable {
    /// 127.0.0.1 unless told otherwise: a mock should not be reachable from the network by accident.
    public var host: String = "127.0.0.1"
    /// 0 asks the system for a free port.
    public var port: Int = 8080
    /// Request bodies larger than this get a 413 (OpenAI's own limit is in this range).
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    /// Total size of a request's header lines, and the most header fields it may have.
    public var maxHeaderBytes: Int = 64 * 1024
    public var maxHeaderFields: Int = 256
    /// A keep-alive connection with no request in flight is closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a graceful shutdown waits for in-flight responses before closing connections.
    public var shutdownGracePeriod: Duration = .seconds(30)
    /// Event loop threads (one per core by default).
    public var threads: Int = System.coreCount
    /// Threads that answer when the engine's state is shared (each waits on a round trip).
    public var stateThreads: Int = 32
    /// Prometheus metrics at GET /metrics (under the admin API's access rule).
    public var metrics: Bool = true
    /// The dashboard at /__understudy/ (under the admin API's access rule), keeping the newest
    /// exchanges in a ring of at most this many bytes; nil switches it off.
    public var dashboardBytes: Int? = 64 << 20

    public init() {}
}
