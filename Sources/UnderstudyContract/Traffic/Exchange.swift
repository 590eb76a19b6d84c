/// One recorded request and its response, from our JSONL format or a HAR file.
public struct Exchange: Sendable {
    public struct Message: Sendable {
        public var headers: [(name: String, value: String)]
        /// The body's bytes (for SSE, its raw text).
        public var body: [UInt8]

        public init(headers: [(name: String, value: String)], body: [UInt8]) {
            self.headers = headers
            self.body = body
        }

        public func header(_ lowercaseName: String) -> String? {
            headers.first { $0.name.lowercased() == lowercaseName }?.value
        }

        /// The media type without parameters, lowercased.
        public var mediaType: String? {
            header("content-type").map { String($0.split(separator: ";").first ?? "").trimmingWhitespace().lowercased() }
        }
    }

    /// Where it was read from (`file:line` or `file#entry`), for reports.
    public var source: String
    public var method: String
    public var url: String
    public var request: Message
    public var status: Int
    public var response: Message
    /// For a recorded stream: milliseconds before each event, when the recorder noted them.
    public var frameDelaysMilliseconds: [Int]?

    public init(source: String, method: String, url: String, request: Message, status: Int, response: Message,
                frameDelaysMilliseconds: [Int]? = nil) {
        self.source = source
        self.method = method
        self.url = url
        self.request = request
        self.status = status
        self.response = response
        self.frameDelaysMilliseconds = frameDelaysMilliseconds
    }

    /// The URL's path, without scheme, host and query.
    public var path: String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        return String(rest)
    }
}
