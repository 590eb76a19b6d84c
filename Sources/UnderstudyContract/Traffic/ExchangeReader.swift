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
            return
        }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var number = 0
        while true {
            let n = getline(&line, &capacity, file)
            if n < 0 { break }
            number += 1
            guard let line else { break }
            var bytes = Array(UnsafeRawBufferPointer(start: line, count: n))
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            if bytes.isEmpty { continue }
            body(exchange(fromJSONL: bytes, source: "\(path):\(number)"))
        }
    }

    static func exchange(fromJSONL bytes: [UInt8], source: String) -> Result<Exchange, ReadError> {
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
                                status: Int(status), response: message(response))
        exchange.frameDelaysMilliseconds = response["frame_delays_ms"]?.arrayValue?.compactMap { $0.integerValue.map(Int.init) }
        return .success(exchange)
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
        return .success(Exchange(source: source, method: method.uppercased(), url: url, request: requestMessage,
                                 status: Int(status), response: responseMessage))
    }
}
