/// What to send back: a status, headers and either one body or a paced stream of frames.
public struct MockResponse: Sendable {
    public var status: Int
    /// Headers besides the ones the server adds itself (content-length, date, connection).
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Contract findings about this exchange (a request served in `warn` mode, or a self-check
    /// failure), for the server to log.
    public var violations: [String] = []
    /// The fault deliberately injected into this response, if any (it is not self-checked).
    public var injectedFault: Fault?
    /// Wait this long before answering (simulated latency).
    public var delayNanoseconds: Int64 = 0
    /// The tokens this completion counted (its usage), when it is one.
    public var usage: Usage?
    /// Tokens this answer used (for rate limiting), when it is a completion.
    public var tokensUsed: Int? { usage?.totalTokens }
    /// The scenario rule that shaped this answer, if any.
    public var scenario: String?
    /// What the server needs for its metrics, which the engine knows best: the route's name (one
    /// of a fixed set, `Route.name`) and the model that served a completion (or the one a failed
    /// completion asked for; it may be any string a client sent).
    public var routeName: String?
    public var model: String?
    /// The flavour the engine spoke (the dashboard's column; nil for answers made outside the engine).
    public var flavor: Flavor?
    /// The contract finding a strictly validated request was refused for (`request: /pointer:
    /// message [keyword at schema]`), for the dashboard: the 400 itself words it as the API does.
    public var refusal: String?

    public enum Body: Sendable {
        case bytes([UInt8])
        /// Boxed: a plan is ~500 bytes (its renderer inline), and a response is moved through
        /// every stage and finisher; inline, each move of every answer was a 672-byte copy.
        indirect case stream(StreamPlan)
        /// No HTTP answer at all: a connection fault for the server to carry out.
        case fault(Fault)
    }

    public init(status: Int, headers: [(name: String, value: String)], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of a header the engine set (it names them in lowercase).
    public func header(_ name: String) -> String? {
        // Lengths first: `==` on two different short strings went the slow way (80 instructions).
        let length = name.utf8.count
        return headers.first { $0.name.utf8.count == length && $0.name == name }?.value
    }
}

/// A stream's frames, handed out in order: pre-rendered (a recording, a Responses stream, a
/// stream a fault rewrote) or each rendered when it is due (a chat completion), so a stream
/// waiting on its pacing holds its plan rather than every encoded frame.
public struct StreamFrames: Sendable {
    private var rendered: [[UInt8]]
    private var renderer: ChatStreamRenderer?
    private var position = 0
    public let count: Int

    public init(_ frames: [[UInt8]]) {
        rendered = frames
        count = frames.count
    }

    init(_ renderer: ChatStreamRenderer) {
        rendered = []
        self.renderer = renderer
        count = renderer.count
    }

    /// The next frame, or nil after the last.
    public mutating func next() -> [UInt8]? {
        guard position < count else { return nil }
        position += 1
        if renderer != nil { return renderer!.next() }
        return rendered[position - 1]
    }

    /// The frames not handed out yet, rendered (this value's place is unchanged).
    public func remaining() -> [[UInt8]] {
        var copy = self
        var frames: [[UInt8]] = []
        frames.reserveCapacity(count - position)
        while let frame = copy.next() { frames.append(frame) }
        return frames
    }
}

/// An SSE body: frames written and flushed one by one, `interval` nanoseconds apart.
public struct StreamPlan: Sendable {
    public var frames: StreamFrames
    public var intervalNanoseconds: Int64
    /// After the last frame: end the body properly, or close the connection mid-body.
    public var ending: Ending = .complete
    /// Extra wait before the first frame (time to first token).
    public var firstFrameDelayNanoseconds: Int64 = 0
    /// The wait before each frame, when it differs frame by frame (a recorded stream's pacing);
    /// it replaces `intervalNanoseconds` from the second frame on.
    public var frameDelaysNanoseconds: [Int64]?

    /// Realistic pacing (`--timing realistic`): replaces `intervalNanoseconds` when set.
    public var pacing: StreamPacing?

    /// The wait before frame `index` (from 1).
    public func delay(before index: Int) -> Int64 {
        if let delays = frameDelaysNanoseconds, index < delays.count { return delays[index] }
        if let pacing { return pacing.delay(before: index) }
        return intervalNanoseconds
    }
    /// An SSE comment sent at once and then every second while the first frame is awaited
    /// (OpenRouter's `: OPENROUTER PROCESSING`).
    public var waitingComment: [UInt8]?

    public enum Ending: String, Sendable {
        case complete
        case close
        /// Send nothing more and keep the connection open (a stalled provider).
        case stall
    }

    public init(frames: [[UInt8]], intervalNanoseconds: Int64) {
        self.init(frames: StreamFrames(frames), intervalNanoseconds: intervalNanoseconds)
    }

    public init(frames: StreamFrames, intervalNanoseconds: Int64) {
        self.frames = frames
        self.intervalNanoseconds = intervalNanoseconds
    }
}
