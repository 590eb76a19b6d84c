import UnderstudyContract
import UnderstudyMock

/// One finished exchange as the dashboard keeps it: what was asked, what went back (bodies cut to
/// the ring's per-body limit), a stream's frames with their due and sent times, and the engine's
/// facts about it. Credentials are kept as received and only ever shown redacted
/// (`ExchangeWriter.jsonl`).
struct DashboardExchange: Sendable {
    /// A sent frame, timed from the request's last byte read (nanoseconds).
    struct Frame {
        var bytes: ArraySlice<UInt8>
        var dueNanoseconds: Int64
        var sentNanoseconds: Int64
    }

    /// A stream's frames as kept: their bytes end to end in one array and their ends and times in
    /// another. An array per frame was 108 objects a stream to allocate and, when the ring
    /// evicted the exchange long after, to free with their memory cold.
    struct Frames: Sendable, RandomAccessCollection {
        private(set) var bytes: [UInt8] = []
        private var marks: [(end: Int, due: Int64, sent: Int64)] = []

        var startIndex: Int { 0 }
        var endIndex: Int { marks.count }

        subscript(index: Int) -> Frame {
            let start = index == 0 ? 0 : marks[index - 1].end
            return Frame(bytes: bytes[start..<marks[index].end], dueNanoseconds: marks[index].due, sentNanoseconds: marks[index].sent)
        }

        init() {}

        /// Frames as a record kept them (`DashboardRecord`).
        init(bytes: [UInt8], marks: [(end: Int, due: Int64, sent: Int64)]) {
            self.bytes = bytes
            self.marks = marks
        }

        /// When the first frame was sent (read from the times alone: a row's frames have no bytes).
        var firstSentNanoseconds: Int64? { marks.first?.sent }

        func forEachMark(_ body: (_ end: Int, _ due: Int64, _ sent: Int64) -> Void) {
            for mark in marks { body(mark.end, mark.due, mark.sent) }
        }

        mutating func append(_ frame: [UInt8], due: Int64, sent: Int64) {
            // Grown by half, not doubled: what a stream holds in flight stays near what it counts.
            if bytes.count + frame.count > bytes.capacity {
                bytes.reserveCapacity(bytes.count + Swift.max(frame.count, bytes.count / 2, 512))
            }
            bytes.append(contentsOf: frame)
            marks.append((bytes.count, due, sent))
        }

        /// Storage cut to what is kept, when the stream is over.
        mutating func trim() {
            if bytes.capacity > bytes.count + 256 { bytes = Self.exact(bytes) }
            if marks.capacity > marks.count + 8 { marks = Self.exact(marks) }
        }

        private static func exact<Element>(_ elements: [Element]) -> [Element] {
            var copy: [Element] = []
            copy.reserveCapacity(elements.count)
            copy.append(contentsOf: elements)
            return copy
        }
    }

    var id = 0
    /// Wall-clock Unix milliseconds when the request was read (a debugging view's time, never in an answer).
    var startedAt: Int64
    var request: MockRequest
    /// 0: no HTTP answer (a connection fault).
    var status: Int
    var responseHeaders: [(name: String, value: String)]
    var responseBody: [UInt8] = []
    /// A stream's frames (nil for a single-body answer), and how many were not kept (past the body limit).
    var frames: Frames?
    var framesDropped = 0
    /// How a stream ended: complete, close (cut on purpose), stall, or client (the client went away).
    var ending: String?
    var durationNanoseconds: Int64 = 0
    var routeName: String?
    var model: String?
    var flavor: Flavor?
    var scenario: String?
    var fault: String?
    var attempts: String?
    var usage: Usage?
    /// Dollars at the catalog's prices for its input and output tokens (`Dashboard.cost(of:)`).
    var dollars: Double?
    /// Contract findings: the strict refusal, warn-mode request findings, self-check findings.
    var findings: [String]

    /// What a kept frame costs besides its bytes (its times, its array slot).
    static let frameOverhead = 48

    var isStream: Bool { frames != nil }
    var timeToFirstFrameNanoseconds: Int64? { frames?.firstSentNanoseconds }

    /// `request` broke the contract (refused, or served under `warn`), `response` broke it
    /// (self-check), else `pass`.
    var verdict: String {
        if findings.contains(where: { $0.hasPrefix("request") }) { return "request" }
        return findings.isEmpty ? "pass" : "response"
    }

    /// The body cut to `limit` bytes with a marker saying so (kept whole when it fits).
    static func truncated(_ body: [UInt8], limit: Int) -> [UInt8] {
        guard body.count > limit else { return body }
        return Array(body.prefix(limit)) + Array("…[understudy dashboard: truncated, \(limit) of \(body.count) bytes kept]".utf8)
    }
}

/// The JSON the page reads.
extension DashboardExchange {
    /// One row of the live list.
    func summary(into w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.int(id)
        w.key("at"); w.int(startedAt)
        w.key("method"); w.string(request.method)
        w.key("path"); w.string(request.path)
        w.key("status"); if status == 0 { w.null() } else { w.int(status) }
        w.key("route"); w.string(routeName)
        w.key("model"); w.string(model)
        w.key("flavor"); w.string(flavor?.rawValue)
        w.key("stream"); w.bool(isStream)
        w.key("duration_ms"); w.double(Self.milliseconds(durationNanoseconds))
        w.key("ttft_ms"); if let ttft = timeToFirstFrameNanoseconds { w.double(Self.milliseconds(ttft)) } else { w.null() }
        w.key("tokens_in"); if let usage { w.int(usage.promptTokens) } else { w.null() }
        w.key("tokens_out"); if let usage { w.int(usage.completionTokens) } else { w.null() }
        w.key("cost"); if let dollars { w.double(dollars) } else { w.null() }
        w.key("scenario"); w.string(scenario)
        w.key("fault"); w.string(fault)
        w.key("attempts"); w.string(attempts)
        w.key("verdict"); w.string(verdict)
        w.key("findings"); w.int(findings.count)
        w.endObject()
    }

    /// The detail view: the row, the findings split into where/pointer/message, the exchange in
    /// `validate`'s JSONL format (credentials redacted) and the frames with their times.
    func detail() -> [UInt8] {
        var w = JSONWriter(capacity: DashboardRecord.size(of: self) * 2 + 1024)
        w.beginObject()
        w.key("summary"); summary(into: &w)
        w.key("ending"); w.string(ending)
        w.key("findings")
        w.beginArray()
        for finding in findings.map(DashboardFinding.init) { finding.write(into: &w) }
        w.endArray()
        w.key("exchange"); w.raw(jsonl().dropLast())  // the line without its newline
        if let frames {
            // Shown beside the JSONL line, so redacted as it is: a reply that echoes the key shows it as [redacted].
            let secrets = ExchangeWriter.secrets(of: request.headers, url: url)
            w.key("frames")
            w.beginArray()
            for frame in frames {
                w.beginObject()
                w.key("due_ms"); w.double(Self.milliseconds(frame.dueNanoseconds))
                w.key("sent_ms"); w.double(Self.milliseconds(frame.sentNanoseconds))
                w.key("data"); w.string(secrets.reduce(String(decoding: frame.bytes, as: UTF8.self)) { $0.replacing($1, with: ExchangeWriter.redacted) })
                w.endObject()
            }
            w.endArray()
            w.key("frames_dropped"); w.int(framesDropped)
        }
        w.endObject()
        return w.bytes
    }

    /// The exchange as one `validate` JSONL line, redacted as recordings are.
    var url: String { request.query.map { "\(request.path)?\($0)" } ?? request.path }

    func jsonl() -> [UInt8] {
        var headers = responseHeaders
        var body = responseBody
        var delays: [Int]?
        if let frames {
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append(("content-type", "text/event-stream")) }
            body = frames.bytes
            var previous: Int64 = 0
            delays = frames.map { frame in
                defer { previous = frame.sentNanoseconds }
                return Int((frame.sentNanoseconds - previous) / 1_000_000)
            }
        }
        return ExchangeWriter.jsonl(Exchange(source: "dashboard#\(id)", method: request.method, url: url,
                                             request: .init(headers: request.headers, body: request.body),
                                             status: status, response: .init(headers: headers, body: body),
                                             frameDelaysMilliseconds: delays))
    }

    static func milliseconds(_ nanoseconds: Int64) -> Double {
        (Double(nanoseconds) / 1_000).rounded() / 1_000
    }
}

/// A contract finding as the page shows it: where (request, response, stream event N), the RFC
/// 6901 pointer it is about when it names one, and the rest in `validate`'s words.
struct DashboardFinding {
    var place: String
    var pointer: String?
    var message: String

    /// Reads the engine's wording: `request: /messages/0: …`, `self-check: response body: /id: …`,
    /// `self-check: stream event 3: /choices: …`, or a sentence with no pointer.
    init(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("self-check: ") { rest = rest.dropFirst(12) }
        place = "response"
        for prefix in ["request: ", "response body: "] where rest.hasPrefix(prefix) {
            place = String(prefix.dropLast(2).split(separator: " ")[0])
            rest = rest.dropFirst(prefix.count)
        }
        if rest.hasPrefix("stream event "), let colon = rest.firstRange(of: ": ") {
            place = "event " + rest[rest.index(rest.startIndex, offsetBy: 13)..<colon.lowerBound]
            rest = rest[colon.upperBound...]
        }
        if rest.hasPrefix("/") || rest.hasPrefix("(root): "), let colon = rest.firstRange(of: ": ") {
            let path = rest[..<colon.lowerBound]
            pointer = path == "(root)" ? "" : String(path)
            rest = rest[colon.upperBound...]
        }
        message = String(rest)
    }

    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("place"); w.string(place)
        w.key("pointer"); w.string(pointer)
        w.key("message"); w.string(message)
        w.endObject()
    }
}
