#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads exchanges from a file: our JSONL format (one exchange a line, read line by line so memory
/// stays flat however long the recording) or HAR 1.2 (browsers, mitmproxy, Charles).
///
/// JSONL: `{"request": {"method", "url", "headers": {name: value} or [{name, value}], "body": JSON
/// or "body_text": "raw"}, "response": {"status", "headers", "body" or "body_text"}}`; SSE
/// bodies are their raw text in `body_text`.
public enum ExchangeReader {
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var source: String
        public var message: String
        public var description: String { "\(source): \(message)" }
    }

    /// The longest JSONL line (one exchange, its bodies included) read; a longer one makes the
    /// file unreadable.
    public static let maximumLineBytes = 64 << 20

    /// Calls `body` with each exchange in `path`, in order.
    public static func read(path: String, _ body: (Result<Exchange, ReadError>) -> Void) throws(ReadError) {
        guard let file = fopen(path, "rb") else {
            throw ReadError(source: path, message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        defer { fclose(file) }
        if path.hasSuffix(".har") {
            // Entry by entry: memory holds one entry, not the file.
            var scanner = HAREntryScanner()
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var index = 0
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n <= 0 { break }
                chunk.withUnsafeBufferPointer { buffer in
                    scanner.feed(UnsafeBufferPointer(rebasing: buffer[0..<n])) { entryBytes in
                        body(harEntry(entryBytes, source: "\(path)#entry\(index)"))
                        index += 1
                    }
                }
            }
            if !scanner.sawEntries { throw ReadError(source: path, message: "not a HAR file: no log.entries") }
            if let reason = scanner.incompleteReason { throw ReadError(source: path, message: "not a whole HAR file: \(reason)") }
            if index == 0 { throw ReadError(source: path, message: "no exchanges: log.entries is empty") }
            return
        }
        // Line by line in chunks, never more than one line held: a file without newlines
        // (`/dev/zero`) is refused once its first line passes the bound, not read into memory.
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var number = 0
        var exchanges = 0
        func line(_ bytes: ArraySlice<UInt8>) throws(ReadError) {
            number += 1
            guard bytes.count <= maximumLineBytes else {
                throw ReadError(source: "\(path):\(number)", message: "a line longer than \(maximumLineBytes >> 20) MiB")
            }
            var bytes = bytes
            while let last = bytes.last, last == 0x0D { bytes.removeLast() }
            if bytes.isEmpty { return }
            exchanges += 1
            body(exchange(fromJSONL: Array(bytes), source: "\(path):\(number)"))
        }
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            var start = 0
            while let newline = chunk[start..<n].firstIndex(of: 0x0A) {
                if pending.isEmpty {
                    try line(chunk[start..<newline])
                } else {
                    pending += chunk[start..<newline]
                    try line(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending += chunk[start..<n]
            if pending.count > maximumLineBytes {
                throw ReadError(source: "\(path):\(number + 1)", message: "a line longer than \(maximumLineBytes >> 20) MiB")
            }
        }
        if ferror(file) != 0 { throw ReadError(source: path, message: "cannot read the file (\(String(cString: strerror(errno))))") }
        if !pending.isEmpty { try line(pending[...]) }
        if exchanges == 0 { throw ReadError(source: path, message: "no exchanges: the file is empty") }
    }

    /// One JSONL line as an exchange, checked as `checked` checks it.
    public static func exchange(fromJSONL bytes: [UInt8], source: String) -> Result<Exchange, ReadError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .failure(ReadError(source: source, message: "not JSON: \(error)"))
        }
        guard let request = value["request"]?.objectValue, let response = value["response"]?.objectValue,
              let method = request["method"]?.stringValue, let url = request["url"]?.stringValue,
              let status = response["status"]?.integerValue else {
            return .failure(ReadError(source: source, message: "expected {\"request\": {\"method\", \"url\", …}, \"response\": {\"status\", …}}"))
        }
        var exchange = Exchange(source: source, method: method.uppercased(), url: url, request: message(request),
                                status: Int(clamping: status), response: message(response))
        if let delays = response["frame_delays_ms"]?.arrayValue {
            let parsed = delays.compactMap { $0.integerValue }
            guard parsed.count == delays.count, parsed.allSatisfy({ (0...3_600_000).contains($0) }) else {
                return .failure(ReadError(source: source, message: "frame_delays_ms must be integers from 0 to 3600000"))
            }
            exchange.frameDelaysMilliseconds = parsed.map(Int.init)
        }
        return checked(exchange)
    }

    /// What a replay would write must be valid HTTP: a real status, and header names and values
    /// that cannot split the response (no CR, LF or NUL).
    static func checked(_ exchange: Exchange) -> Result<Exchange, ReadError> {
        guard (100...599).contains(exchange.status) else {
            return .failure(ReadError(source: exchange.source, message: "status \(exchange.status) is not an HTTP status (100–599)"))
        }
        for (what, message) in [("request", exchange.request), ("response", exchange.response)] {
            for header in message.headers where !isToken(header.name) || header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                return .failure(ReadError(source: exchange.source, message: "\(what) header '\(header.name.prefix(40))' has a name or value HTTP cannot carry (CR, LF or NUL)"))
            }
        }
        return .success(exchange)
    }

    /// RFC 9110 token characters: what a header name may hold (after HTTP/2's pseudo-header colon,
    /// which browsers' HAR files keep).
    static func isToken(_ name: String) -> Bool {
        let name = name.hasPrefix(":") ? name.dropFirst() : Substring(name)
        return !name.isEmpty && name.utf8.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    static func message(_ object: JSONObject) -> Exchange.Message {
        var headers: [(name: String, value: String)] = []
        switch object["headers"] {
        case .object(let h)?:
            headers = h.members.compactMap { m in m.value.stringValue.map { (m.key, $0) } }
        case .array(let list)?:
            headers = list.compactMap { item in
                guard let name = item["name"]?.stringValue, let value = item["value"]?.stringValue else { return nil }
                return (name, value)
            }
        default: break
        }
        var body: [UInt8] = []
        if let text = object["body_text"]?.stringValue {
            body = Array(text.utf8)
        } else if let json = object["body"], !json.isNull {
            body = json.jsonBytes
        }
        return Exchange.Message(headers: headers, body: body)
    }

    static func harEntry(_ bytes: [UInt8], source: String) -> Result<Exchange, ReadError> {
        let entry: JSONValue
        do {
            entry = try JSONParser.parse(bytes)
        } catch {
            return .failure(ReadError(source: source, message: "not JSON: \(error)"))
        }
        guard let request = entry["request"]?.objectValue, let response = entry["response"]?.objectValue,
              let method = request["method"]?.stringValue, let url = request["url"]?.stringValue,
              let status = response["status"]?.integerValue else {
            return .failure(ReadError(source: source, message: "entry without request.method/url or response.status"))
        }
        var requestMessage = message(request)
        requestMessage.body = Array((request["postData"]?["text"]?.stringValue ?? "").utf8)
        var responseMessage = message(response)
        let content = response["content"]
        let text = content?["text"]?.stringValue ?? ""
        responseMessage.body = content?["encoding"]?.stringValue == "base64" ? Base64.decode(text) : Array(text.utf8)
        if responseMessage.header("content-type") == nil, let mime = content?["mimeType"]?.stringValue {
            responseMessage.headers.append(("content-type", mime))
        }
        return checked(Exchange(source: source, method: method.uppercased(), url: url, request: requestMessage,
                                status: Int(clamping: status), response: responseMessage))
    }
}
