// llhttp as NIOHTTP1 builds it (its C target, visible to the packages that depend on NIOHTTP1).
import CNIOLLHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyMock

/// How a request's answer is framed: what the connection handler keeps of its head.
struct RequestHead {
    var target: String
    var keepAlive: Bool
    /// HTTP/1.0: no chunked answer (a stream ends by closing the connection).
    var http10: Bool
    var isHEAD: Bool
}

/// Reads HTTP/1.x requests off a connection's bytes with llhttp, the parser NIOHTTP1 wraps, called
/// directly: the head's fields go straight into the engine's `MockRequest`, with none of NIO's
/// request parts, `HTTPHeaders` or a pipeline hop between (a third of a canned request's
/// instructions went there). It also keeps what NIO's decoder could not: the body limit, judged
/// on the declared length and on each chunk's size as its size line is read (a chunk declared as
/// `7fffffffffffffff` is refused at once instead of drained), and limits on the head's size.
///
/// `read` parses what arrived and leaves the requests it completed, in order, in `events`; the
/// connection handler acts on them after llhttp has returned (never from inside its callbacks).
final class RequestReader {
    enum Event {
        /// A head is read; its body (if any) follows. `declaredLength`: its content-length, if it
        /// has one; `expectsContinue`: an HTTP/1.1 client waits for `100 Continue` before the body.
        case head(RequestHead, declaredLength: UInt64?, expectsContinue: Bool)
        /// A whole request; nil when its body passed the limit (it was read and dropped).
        case request(RequestHead, MockRequest?)
    }

    /// Why the connection's bytes cannot be read any further (every later `read` ignores them).
    enum Failure: Equatable {
        /// The head has a field, or is in all, larger than the limits, or has too many fields (431).
        case headerOverflow
        /// A chunk declared larger than the whole body may be (413).
        case chunkTooLarge
        /// Not HTTP/1.x: llhttp's reason, or ours.
        case malformed(String)
    }

    struct Limits {
        var body: Int
        /// Each field (the target, a header's name or value, a chunk extension) and the whole head.
        var headBytes: Int
        var headerFields: Int
    }

    // Set and read on the connection's event loop only, by `read` and llhttp's callbacks under it:
    // no dynamic exclusivity checks (they were a tenth of the reader's instructions).
    @exclusivity(unchecked) private(set) var events: [Event] = []
    @exclusivity(unchecked) private(set) var failure: Failure?

    private let limits: Limits
    private let parser: UnsafeMutablePointer<llhttp_t>
    /// The field being read, where llhttp found it in the bytes being read (most fields lie
    /// whole in one read: decoded from there, never copied) ...
    @exclusivity(unchecked) private var span: UnsafeRawBufferPointer?
    /// ... or its bytes so far, when it spans reads.
    @exclusivity(unchecked) private var spilled: [UInt8] = []
    @exclusivity(unchecked) private var fieldBytes = 0
    @exclusivity(unchecked) private var headBytes = 0
    @exclusivity(unchecked) private var headerFields = 0
    @exclusivity(unchecked) private var target = ""
    @exclusivity(unchecked) private var name = ""
    @exclusivity(unchecked) private var headers: [(name: String, value: String)] = []
    @exclusivity(unchecked) private var expectsContinue = false
    @exclusivity(unchecked) private var inTrailers = false
    @exclusivity(unchecked) private var head = RequestHead(target: "", keepAlive: false, http10: false, isHEAD: false)
    @exclusivity(unchecked) private var method = ""
    @exclusivity(unchecked) private var body: [UInt8] = []
    @exclusivity(unchecked) private var bodyTooLarge = false
    @exclusivity(unchecked) private var chunkExtensionBytes = 0

    init(limits: Limits) {
        self.limits = limits
        parser = .allocate(capacity: 1)
        c_nio_llhttp_init(parser, HTTP_REQUEST, Self.settings)
        // Unretained: the reader owns the parser, and llhttp calls back only from `read`.
        parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        parser.deallocate()
    }

    /// Parses `bytes`, appending the heads and requests completed to `events`; returns the
    /// failure that stopped it, if any.
    func read(_ bytes: UnsafeRawBufferPointer) -> Failure? {
        guard failure == nil, var start = bytes.baseAddress else { return failure }
        var count = bytes.count
        while count > 0 {
            let status = c_nio_llhttp_execute(parser, start.assumingMemoryBound(to: CChar.self), count)
            if status == HPE_OK { break }
            if status == HPE_PAUSED_UPGRADE {
                // An Upgrade (h2c, websocket) or CONNECT request was answered as plain HTTP/1.1
                // (RFC 9110 §7.8: a server may ignore Upgrade), so what follows is requests too.
                let stop = UnsafeRawPointer(c_nio_llhttp_get_error_pos(parser)!)
                c_nio_llhttp_resume_after_upgrade(parser)
                count -= stop - start
                start = stop
                continue
            }
            if failure == nil {
                failure = .malformed(String(cString: c_nio_llhttp_get_error_reason(parser)))
            }
            break
        }
        // A field still being read when the bytes ran out: keep what came of it.
        if let partial = span {
            spilled.append(contentsOf: partial)
            span = nil
        }
        return failure
    }

    func clearEvents() {
        events.removeAll(keepingCapacity: true)
    }

    // MARK: llhttp's callbacks (0: go on; -1: stop, `failure` says why)

    private func messageBegins() -> CInt {
        dropField()
        headBytes = 0
        headerFields = 0
        headers = []
        headers.reserveCapacity(8)
        expectsContinue = false
        inTrailers = false
        body = []
        bodyTooLarge = false
        chunkExtensionBytes = 0
        return 0
    }

    /// A piece of the field being read (the target, a header's name or value).
    private func fieldPiece(_ at: UnsafePointer<CChar>?, _ length: Int) -> CInt {
        fieldBytes += length
        headBytes += length
        guard fieldBytes <= limits.headBytes, headBytes <= limits.headBytes else { return fail(.headerOverflow) }
        let piece = UnsafeRawBufferPointer(start: at, count: length)
        if let first = span {
            // llhttp hands a field over in one piece per read; a second is kept all the same.
            spilled.append(contentsOf: first)
            spilled.append(contentsOf: piece)
            span = nil
        } else if spilled.isEmpty {
            span = piece
        } else {
            spilled.append(contentsOf: piece)
        }
        return 0
    }

    private func takeField() -> String {
        defer { dropField() }
        if let span { return CommonText.string(span) }
        return spilled.withUnsafeBytes { CommonText.string($0) }
    }

    private func dropField() {
        span = nil
        fieldBytes = 0
        if !spilled.isEmpty { spilled.removeAll(keepingCapacity: true) }
    }

    private func targetComplete() -> CInt {
        target = takeField()
        return 0
    }

    private func headerNameComplete() -> CInt {
        headerFields += 1
        guard headerFields <= limits.headerFields else { return fail(.headerOverflow) }
        if inTrailers { dropField() } else { name = takeField() }
        return 0
    }

    private func headerValueComplete() -> CInt {
        // Trailers are read (and limited) but not kept: nothing here answers by them.
        guard !inTrailers else {
            dropField()
            return 0
        }
        let value = takeField()
        if MockRequest.equalsIgnoringASCIICase(name, "expect") && MockRequest.equalsIgnoringASCIICase(value, "100-continue") {
            expectsContinue = true
        }
        headers.append((name, value))
        return 0
    }

    private func headersComplete() -> CInt {
        let major = parser.pointee.http_major, minor = parser.pointee.http_minor
        guard major == 1 else { return fail(.malformed("HTTP/\(major).\(minor) is not supported, only HTTP/1.0 and HTTP/1.1")) }
        method = Self.methodName(parser.pointee.method)
        head = RequestHead(target: target, keepAlive: c_nio_llhttp_should_keep_alive(parser) != 0, http10: minor == 0,
                           isHEAD: parser.pointee.method == UInt8(HTTP_HEAD.rawValue))
        let declared: UInt64? = parser.pointee.flags & UInt16(F_CONTENT_LENGTH.rawValue) != 0 ? parser.pointee.content_length : nil
        if let declared {
            if declared > UInt64(limits.body) { bodyTooLarge = true } else { body.reserveCapacity(Int(declared)) }
        }
        events.append(.head(head, declaredLength: declared, expectsContinue: expectsContinue && minor >= 1))
        inTrailers = true
        return 0
    }

    private func bodyPiece(_ at: UnsafePointer<CChar>?, _ length: Int) -> CInt {
        guard !bodyTooLarge else { return 0 }
        guard body.count + length <= limits.body else {
            bodyTooLarge = true
            body = []
            return 0
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: at, count: length))
        return 0
    }

    /// A piece of a chunk's extensions (`;name=value` after its size): llhttp reads any length of
    /// them; a size line is held to the limit of a header field.
    private func chunkExtensionPiece(_ length: Int) -> CInt {
        chunkExtensionBytes += length
        return chunkExtensionBytes > limits.headBytes ? fail(.malformed("a chunk's extensions are longer than \(limits.headBytes) bytes")) : 0
    }

    /// A chunk's size line is read (llhttp holds its size): one larger than the whole body may be
    /// is refused before any of it arrives.
    private func chunkHeader() -> CInt {
        chunkExtensionBytes = 0
        return parser.pointee.content_length > UInt64(limits.body) ? fail(.chunkTooLarge) : 0
    }

    private func messageComplete() -> CInt {
        let request = bodyTooLarge ? nil : MockRequest(method: method, target: target, headers: headers, body: body)
        events.append(.request(head, request))
        headers = []
        body = []
        // As NIO's decoder does: llhttp keeps a stale length after a message
        // (https://github.com/nodejs/llhttp/issues/202).
        parser.pointee.content_length = 0
        return 0
    }

    private func fail(_ reason: Failure) -> CInt {
        failure = reason
        return -1
    }

    /// The method's name without a C string read for the common ones.
    private static func methodName(_ method: UInt8) -> String {
        switch UInt32(method) {
        case HTTP_GET.rawValue: "GET"
        case HTTP_POST.rawValue: "POST"
        case HTTP_HEAD.rawValue: "HEAD"
        case HTTP_DELETE.rawValue: "DELETE"
        case HTTP_PUT.rawValue: "PUT"
        case HTTP_OPTIONS.rawValue: "OPTIONS"
        case HTTP_PATCH.rawValue: "PATCH"
        default: String(cString: c_nio_llhttp_method_name(llhttp_method_t(rawValue: UInt32(method))))
        }
    }

    /// The reader a callback is for, without retaining it (the callback runs under its `read`).
    private static func with(_ parser: UnsafeMutablePointer<llhttp_t>?, _ call: (RequestReader) -> CInt) -> CInt {
        Unmanaged<RequestReader>.fromOpaque(parser!.pointee.data)._withUnsafeGuaranteedRef(call)
    }

    /// One set of callbacks for every connection (llhttp only reads it).
    nonisolated(unsafe) private static let settings: UnsafeMutablePointer<llhttp_settings_t> = {
        let settings = UnsafeMutablePointer<llhttp_settings_t>.allocate(capacity: 1)
        c_nio_llhttp_settings_init(settings)
        settings.pointee.on_message_begin = { p in with(p) { $0.messageBegins() } }
        settings.pointee.on_url = { p, at, n in with(p) { $0.fieldPiece(at, n) } }
        settings.pointee.on_url_complete = { p in with(p) { $0.targetComplete() } }
        settings.pointee.on_header_field = { p, at, n in with(p) { $0.fieldPiece(at, n) } }
        settings.pointee.on_header_field_complete = { p in with(p) { $0.headerNameComplete() } }
        settings.pointee.on_header_value = { p, at, n in with(p) { $0.fieldPiece(at, n) } }
        settings.pointee.on_header_value_complete = { p in with(p) { $0.headerValueComplete() } }
        settings.pointee.on_headers_complete = { p in with(p) { $0.headersComplete() } }
        settings.pointee.on_body = { p, at, n in with(p) { $0.bodyPiece(at, n) } }
        settings.pointee.on_chunk_extension_name = { p, at, n in with(p) { $0.chunkExtensionPiece(n) } }
        settings.pointee.on_chunk_extension_value = { p, at, n in with(p) { $0.chunkExtensionPiece(n) } }
        settings.pointee.on_chunk_header = { p in with(p) { $0.chunkHeader() } }
        settings.pointee.on_message_complete = { p in with(p) { $0.messageComplete() } }
        return settings
    }()
}

/// Texts most requests carry (the API's paths, `application/json`, the OpenAI SDKs' longer header
/// names), given as literals: a literal is never allocated, counted or freed, so a request, and
/// the journal's and the dashboard's entries that keep its path and headers long after, hold
/// fewer heap objects (freeing them, cold, when the dashboard evicted an exchange was a tenth
/// of a canned request's time). Anything else is decoded as it came. Shorter than 16 bytes a
/// string is stored inline anyway.
enum CommonText {
    static let texts: [String] = [
        "/v1/chat/completions", "/v1/responses", "/v1/models", "/v1/embeddings", "/v1/completions",
        "/api/v1/chat/completions", "/api/v1/responses", "/api/v1/models", "/chat/completions",
        "application/json", "application/json; charset=utf-8", "text/event-stream",
        "x-stainless-lang", "x-stainless-package-version", "x-stainless-runtime", "x-stainless-runtime-version",
        "x-stainless-async", "x-stainless-retry-count", "x-stainless-read-timeout", "x-stainless-timeout",
        "X-Stainless-Lang", "X-Stainless-Package-Version", "X-Stainless-Runtime", "X-Stainless-Runtime-Version",
        "X-Stainless-Retry-Count", "X-Stainless-Timeout",
    ]
    /// Indexes into `texts` by length.
    private static let byLength: [[Int]] = {
        var table = [[Int]](repeating: [], count: 64)
        for (index, text) in texts.enumerated() { table[text.utf8.count].append(index) }
        return table
    }()

    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.count >= 16, bytes.count < byLength.count {
            for index in byLength[bytes.count] {
                var text = texts[index]
                if text.withUTF8({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return text }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
