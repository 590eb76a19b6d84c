/// Where the proxy listens, where it forwards, and what it does with what it sees.
public struct ProxyConfiguration: Sendable {
    public enum Validation: String, Sendable, CaseIterable {
        /// Report violations (log, header, journal) and pass everything through unchanged.
        case warn
        /// Also refuse: a request that breaks the contract gets a 400 and is not forwarded; a JSON
        /// answer that breaks it becomes a 502; a stream is ended with an error event.
        case strict
    }

    /// The upstream's origin and any path prefix (`https://api.openai.com`, `https://openrouter.ai/api`);
    /// each request's path is appended to it.
    public var upstream: String
    /// Loopback unless told otherwise.
    public var host = "127.0.0.1"
    public var port = 8081
    public var validation = Validation.warn
    /// Write each exchange, redacted, as JSONL into this directory.
    public var recordDirectory: String?
    public var maxBodyBytes = 32 * 1024 * 1024
    /// The longest an upstream answer (a whole stream included) may take.
    public var requestTimeout: Duration = .seconds(600)
    /// How long a shutdown waits for exchanges in flight.
    public var shutdownGracePeriod: Duration = .seconds(10)

    public init(upstream: String) {
        var upstream = upstream
        while upstream.hasSuffix("/") { upstream.removeLast() }
        self.upstream = upstream
    }
}
