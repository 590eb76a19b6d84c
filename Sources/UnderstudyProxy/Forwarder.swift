import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import UnderstudyContract

/// One exchange through the proxy: the request checked against the contract, forwarded upstream
/// with the client's own credentials, and the answer passed back — a stream frame by frame as it
/// arrives (each event validated on arrival), a JSON answer whole with its verdict in
/// `x-understudy-violations`. Then journalled and, when recording, written out redacted.
final class Forwarder: Sendable {
    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    let configuration: ProxyConfiguration
    let validator: ExchangeValidator
    let http: HTTPClient
    let recorder: ExchangeRecorder?
    let logger: Logger
    let journal = ProxyJournal()
    private let active = Atomic<Int>(0)

    /// Connection-level headers, and the ones the client library sets itself.
    static let notForwarded: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "content-length",
        // Bodies must arrive uncompressed to be validated.
        "accept-encoding",
    ]
    static let notReturned: Set<String> = ["connection", "keep-alive", "transfer-encoding", "content-length", "trailer", "upgrade"]
    static let maxAnswerBytes = 64 * 1024 * 1024

    init(configuration: ProxyConfiguration, validator: ExchangeValidator, http: HTTPClient, recorder: ExchangeRecorder?, logger: Logger) {
        self.configuration = configuration
        self.validator = validator
        self.http = http
        self.recorder = recorder
        self.logger = logger
    }

    var inFlight: Int { active.load(ordering: .relaxed) }

    /// Answers one request; returns whether the connection may carry another.
    func handle(_ head: HTTPRequestHead, body: ByteBuffer?, outbound: Outbound) async throws -> Bool {
        active.add(1, ordering: .relaxed)
        defer { active.subtract(1, ordering: .relaxed) }
        let path = String(head.uri.prefix { $0 != "?" })
        if head.method == .GET && path == "/__understudy/journal" {
            try await send(.ok, [("content-type", "application/json")], journal.json(), to: outbound)
            return true
        }
        guard let body else {
            try await sendError(413, "Request body larger than \(configuration.maxBodyBytes) bytes.", code: "request_too_large", to: outbound)
            return false
        }
        let requestBytes = Array(body.readableBytesView)
        let validated = validator.knows(method: head.method.rawValue, path: path)
        let requestFindings = validated ? validator.requestFindings(method: head.method.rawValue, path: path, body: requestBytes) : []
        for finding in requestFindings { violation(finding, path: path) }
        if configuration.validation == .strict, let first = requestFindings.first {
            report(head, path: path, status: 400, stream: false, requestFindings)
            try await sendError(400, "Understudy proxy (strict): the request breaks the contract: \(first)", code: "contract_violation", to: outbound)
            return true
        }

        var upstreamRequest = HTTPClientRequest(url: configuration.upstream + head.uri)
        upstreamRequest.method = head.method
        var requestHeaders: [(name: String, value: String)] = []
        for (name, value) in head.headers where !Self.notForwarded.contains(name.lowercased()) {
            upstreamRequest.headers.add(name: name, value: value)
            requestHeaders.append((name, value))
        }
        if !requestBytes.isEmpty || head.method == .POST || head.method == .PUT || head.method == .PATCH {
            upstreamRequest.body = .bytes(body)
        }
        let response: HTTPClientResponse
        let sent = NIODeadline.now()
        do {
            response = try await http.execute(upstreamRequest, timeout: TimeAmount(configuration.requestTimeout))
        } catch {
            let timedOut = (error as? HTTPClientError) == .deadlineExceeded
            report(head, path: path, status: 0, stream: false, requestFindings + ["no answer from upstream: \(error)"])
            try await sendError(timedOut ? 504 : 502, "Upstream \(configuration.upstream) gave no answer: \(error)",
                                code: timedOut ? "upstream_timeout" : "upstream_unreachable", to: outbound)
            return true
        }
        let responseHeaders = response.headers.filter { !Self.notReturned.contains($0.name.lowercased()) }.map { ($0.name, $0.value) }
        var exchange = Exchange(source: "proxy", method: head.method.rawValue, url: head.uri,
                                request: Exchange.Message(headers: requestHeaders, body: requestBytes),
                                status: Int(response.status.code), response: Exchange.Message(headers: responseHeaders, body: []))
        let isStream = exchange.response.mediaType == "text/event-stream"
        var findings = requestFindings
        var clientStayed = true
        if isStream {
            let passed = try await passStream(response, sent: sent, exchange: &exchange, validated: validated, to: outbound)
            findings += passed.findings
            clientStayed = passed.clientStayed
        } else {
            let answer = try await response.body.collect(upTo: Self.maxAnswerBytes)
            exchange.response.body = Array(answer.readableBytesView)
            if validated {
                let answerFindings = validator.validate(exchange, checkRequest: false).findings
                for finding in answerFindings { violation(finding, path: path) }
                findings += answerFindings
            }
        }
        // Journalled and recorded before the client has the whole answer: a client that reads the
        // recording once it has it (`validate` right after curl) finds the exchange there. Written
        // after, a loaded machine let `validate` read an empty file first.
        report(head, path: path, status: exchange.status, stream: isStream, findings)
        recorder?.record(exchange)
        if isStream {
            if clientStayed {
                do { try await outbound.write(.end(nil)) } catch { clientStayed = false }
            }
        } else if configuration.validation == .strict, let first = findings.first {
            try await sendError(502, "Understudy proxy (strict): the upstream answer breaks the contract: \(first)",
                                code: "upstream_contract_violation", to: outbound)
        } else {
            var headers = responseHeaders
            if validated { headers.append(("x-understudy-violations", Self.headerValue(findings))) }
            try await send(response.status, headers, exchange.response.body, to: outbound)
        }
        return clientStayed
    }

    /// Passes a stream on as its pieces arrive (all but its end, which the caller writes once the
    /// exchange is recorded), validating each event when it completes and noting
    /// the milliseconds before each (replay's pacing), the first counted from when the request was
    /// `sent` upstream: a replay's time to first token, as the dashboard counts it from the
    /// request's arrival (from the response head, a proxy kept busy until the stream was over
    /// recorded no pacing at all). A client that goes away ends it early; what arrived until then
    /// is still journalled and recorded.
    private func passStream(_ response: HTTPClientResponse, sent: NIODeadline, exchange: inout Exchange, validated: Bool,
                            to outbound: Outbound) async throws -> (findings: [String], clientStayed: Bool) {
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: response.status,
                                                         headers: HTTPHeaders(exchange.response.headers))))
        var check = validated ? validator.streamCheck(method: exchange.method, path: exchange.path, status: exchange.status) : nil
        var framing = SSEParser.Incremental()
        var findings: [String] = []
        var delays: [Int] = []
        var last = sent
        var clientStayed = true
        do {
            for try await piece in response.body {
                // Kept only to be recorded: a long stream need not sit in memory otherwise.
                if recorder != nil { exchange.response.body += piece.readableBytesView }
                do {
                    try await outbound.write(.body(.byteBuffer(piece)))
                } catch {
                    clientStayed = false
                    break
                }
                let completed = framing.feed(piece.readableBytesView).count
                if completed > 0 {
                    let now = NIODeadline.now()
                    delays += [Int((now - last).nanoseconds / 1_000_000)] + Array(repeating: 0, count: completed - 1)
                    last = now
                }
                let new = check?.feed(piece.readableBytesView) ?? []
                for finding in new { violation(finding, path: exchange.path) }
                findings += new
                if configuration.validation == .strict, let first = new.first {
                    // Strict: the client learns at once, in the API's own mid-stream error shape.
                    let error = Self.envelope("Understudy proxy (strict): the upstream stream breaks the contract: \(first)",
                                              type: "upstream_error", code: "upstream_contract_violation")
                    try? await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: Array("data: ".utf8) + error + Array("\n\n".utf8)))))
                    break
                }
            }
        } catch {
            findings.append("the upstream stream broke off: \(error)")
        }
        delays += framing.finish().map { _ in 0 }
        let rest = check?.finish() ?? []
        for finding in rest { violation(finding, path: exchange.path) }
        findings += rest
        exchange.frameDelaysMilliseconds = delays
        return (findings, clientStayed)
    }

    private func violation(_ finding: String, path: String) {
        logger.warning("contract violation", metadata: ["path": "\(path)", "finding": "\(finding)"])
    }

    private func report(_ head: HTTPRequestHead, path: String, status: Int, stream: Bool, _ findings: [String]) {
        journal.record(method: head.method.rawValue, path: path, status: status, stream: stream, violations: findings)
        logger.info("\(head.method.rawValue) \(path) → \(status == 0 ? "no answer" : String(status))\(stream ? " (stream)" : ""): \(findings.count) violation(s)")
    }

    private func send(_ status: HTTPResponseStatus, _ headers: [(String, String)], _ body: [UInt8], to outbound: Outbound) async throws {
        var all = HTTPHeaders(headers)
        all.replaceOrAdd(name: "content-length", value: String(body.count))
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: all)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await outbound.write(.end(nil))
    }

    private func sendError(_ status: Int, _ message: String, code: String, to outbound: Outbound) async throws {
        let type = status >= 500 ? "upstream_error" : "invalid_request_error"
        let body = JSONValue.object(["error": Self.envelopeObject(message, type: type, code: code)]).jsonBytes
        try await send(HTTPResponseStatus(statusCode: status), [("content-type", "application/json")], body, to: outbound)
    }

    static func envelopeObject(_ message: String, type: String, code: String) -> JSONValue {
        .object(["message": .string(message), "type": .string(type), "param": .null, "code": .string(code)])
    }

    static func envelope(_ message: String, type: String, code: String) -> [UInt8] {
        JSONValue.object(["error": envelopeObject(message, type: type, code: code)]).jsonBytes
    }

    /// `0`, or the count and the first finding, as a header can carry it (printable ASCII, bounded).
    static func headerValue(_ findings: [String]) -> String {
        guard let first = findings.first else { return "0" }
        let printable = first.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }
        return "\(findings.count); " + String(printable.prefix(400))
    }
}
