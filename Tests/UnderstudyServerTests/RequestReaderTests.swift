import Testing
@testable import UnderstudyServer
import UnderstudyMock

/// The reader's view of bytes however they are split into reads: a connection's bytes arrive in
/// whatever pieces the network makes, and a field, a body or a chunk size line may span two.
@Suite("Request reader")
struct RequestReaderTests {
    static let limits = RequestReader.Limits(body: 1024, headBytes: 256, headerFields: 16)

    /// Two pipelined requests: a content-length body, then a chunked one with extensions and a trailer.
    static let pipelined = Array(("POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
        + "Content-Length: 13\r\nX-Empty:\r\n\r\n{\"model\":\"m\"}"
        + "PUT /v1/files HTTP/1.1\r\nhost: b\r\ntransfer-encoding: chunked\r\nexpect: 100-Continue\r\n\r\n"
        + "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nx-trailer: t\r\n\r\n").utf8)

    struct Seen: Equatable {
        var kind: String
        var method = "", path = "", query: String?
        var headers: [String] = []
        var body: [UInt8] = []
        var keepAlive = false
        var expectsContinue = false
    }

    static func read(_ bytes: [UInt8], splitAt cuts: [Int], limits: RequestReader.Limits = limits) -> (seen: [Seen], failure: RequestReader.Failure?) {
        let reader = RequestReader(limits: limits)
        var seen: [Seen] = []
        var failure: RequestReader.Failure?
        var start = 0
        for end in cuts + [bytes.count] where end > start {
            failure = bytes[start..<end].withUnsafeBytes { reader.read($0) }
            start = end
            for event in reader.events {
                switch event {
                case .head(let head, _, let expectsContinue):
                    seen.append(Seen(kind: "head \(head.target)", keepAlive: head.keepAlive, expectsContinue: expectsContinue))
                case .request(let head, let request):
                    seen.append(Seen(kind: "request \(head.target)", method: request?.method ?? "", path: request?.path ?? "",
                                     query: request?.query, headers: request?.headers.map { "\($0.name)=\($0.value)" } ?? [],
                                     body: request?.body ?? [], keepAlive: head.keepAlive))
                }
            }
            reader.clearEvents()
        }
        return (seen, failure)
    }

    @Test("pipelined requests are read the same whole, a byte at a time, and split at every point")
    func splits() {
        let whole = Self.read(Self.pipelined, splitAt: [])
        #expect(whole.failure == nil)
        #expect(whole.seen.map(\.kind) == ["head /v1/chat/completions?x=1", "request /v1/chat/completions?x=1",
                                           "head /v1/files", "request /v1/files"])
        #expect(whole.seen[1].headers == ["Host=a", "Content-Type=application/json", "Content-Length=13", "X-Empty="])
        #expect(whole.seen[1].method == "POST" && whole.seen[1].path == "/v1/chat/completions" && whole.seen[1].query == "x=1")
        #expect(whole.seen[1].body == Array(#"{"model":"m"}"#.utf8))
        #expect(whole.seen[2].expectsContinue && !whole.seen[0].expectsContinue)
        #expect(whole.seen[3].method == "PUT" && whole.seen[3].body == Array("abc0123456789".utf8))
        #expect(whole.seen[3].headers == ["host=b", "transfer-encoding=chunked", "expect=100-Continue"])  // no trailer
        #expect(Self.read(Self.pipelined, splitAt: Array(1..<Self.pipelined.count)) == whole)
        for cut in 1..<Self.pipelined.count {
            let split = Self.read(Self.pipelined, splitAt: [cut])
            #expect(split == whole, "split at \(cut)")
        }
    }

    @Test("a body past the limit is read and dropped; the request still comes, without it")
    func bodyPastTheLimit() {
        // 13 bytes declared; 3 + 10 in chunks, each under the limit.
        let small = RequestReader.Limits(body: 12, headBytes: 256, headerFields: 16)
        let (seen, failure) = Self.read(Self.pipelined, splitAt: [7, 90], limits: small)
        #expect(failure == nil)
        #expect(seen.map(\.kind) == ["head /v1/chat/completions?x=1", "request /v1/chat/completions?x=1",
                                     "head /v1/files", "request /v1/files"])
        #expect(seen[1].method == "" && seen[3].method == "")  // nil requests: their bodies passed 12 bytes
    }

    @Test("limits and malformed bytes stop the reader with their reason, and it reads nothing after")
    func failures() {
        let head = "GET / HTTP/1.1\r\nhost: x\r\n"
        let cases: [(String, RequestReader.Failure)] = [
            (head + "x-big: " + String(repeating: "b", count: 300) + "\r\n\r\n", .headerOverflow),
            (head + String(repeating: "a: 1\r\n", count: 17) + "\r\n", .headerOverflow),
            (head + ": nameless\r\n\r\n", .malformed("Invalid header token")),  // llhttp's own reason
            ("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n401\r\n", .chunkTooLarge),
            ("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 300) + "\r\n",
             .malformed("a chunk's extensions are longer than 256 bytes")),
            ("GET / HTTP/2.0\r\n\r\n", .malformed("HTTP/2.0 is not supported, only HTTP/1.0 and HTTP/1.1")),
        ]
        for (text, expected) in cases {
            let (seen, failure) = Self.read(Array(text.utf8), splitAt: [5])
            #expect(failure == expected, "\(text.prefix(40))")
            #expect(!seen.contains { $0.kind.hasPrefix("request") })
        }
        // llhttp's own reason for bytes that are not HTTP.
        let reader = RequestReader(limits: Self.limits)
        let garbage = Array("HELLO WORLD\r\n\r\n".utf8).withUnsafeBytes { reader.read($0) }
        guard case .malformed(let reason)? = garbage else {
            Issue.record("garbage read as \(String(describing: garbage))")
            return
        }
        #expect(!reason.isEmpty)
        #expect(Array(Self.pipelined).withUnsafeBytes { reader.read($0) } == garbage)
        #expect(reader.events.isEmpty)
    }

    @Test("common texts come back as literals, and texts of the same length that differ come back as sent")
    func commonTexts() {
        for text in CommonText.texts + ["/v1/chat/completionz", "application/jsox", "x-stainless-langs", "short"] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBytes { CommonText.string($0) } == text)
        }
    }
}

