/// What to send back: a status, headers and either one body or a paced stream of frames.
public struct MockResponse: Sendable {
    public var status: Int
    /// Headers besides the ones the server adds itself (content-length, date, connection).
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Contract findings about this exchange (a request served in `warn` mode, or a self-check
    /// failure), for the server to log.
    public var violations: [String] = []

    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(StreamPlan)
    }

    public init(status: Int, headers: [(name: String, value: String)], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// An SSE body: frames written and flushed one by one, `interval` nanoseconds apart.
public struct StreamPlan: Sendable {
    public var frames: [[UInt8]]
    public var intervalNanoseconds: Int64

    public init(frames: [[UInt8]], intervalNanoseconds: Int64) {
        self.frames = frames
        self.intervalNanoseconds = intervalNanoseconds
    }
}
