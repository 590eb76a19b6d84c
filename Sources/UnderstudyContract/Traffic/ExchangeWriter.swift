/// Writes an exchange as one JSONL line that `ExchangeReader` reads back, with every secret taken
/// out: credential headers and query parameters become "[redacted]", and so does any other
/// occurrence of a credential's value in the line (an upstream error that echoes the key back).
public enum ExchangeWriter {
    public static let redacted = "[redacted]"
    static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "api-key", "x-api-key", "x-goog-api-key", "cookie", "set-cookie",
    ]
    static let credentialParameters: Set<String> = ["key", "api_key", "apikey", "api-key", "access_token", "token"]

    public static func isCredential(header name: String) -> Bool {
        credentialHeaders.contains(name.lowercased())
    }

    /// The credential values a request carries: whole header values, and the token of `Bearer X`.
    public static func secrets(of headers: [(name: String, value: String)]) -> [String] {
        var found: [String] = []
        for (name, value) in headers where isCredential(header: name) {
            let parts = value.split(separator: " ", omittingEmptySubsequences: true)
            found.append(value)
            if parts.count == 2 { found.append(String(parts[1])) }
        }
        // Short values would redact ordinary text; real keys are long.
        return found.filter { $0.utf8.count >= 8 }.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// The URL with credential query parameters redacted.
    public static func redactedURL(_ url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return credentialParameters.contains(name.lowercased()) ? "\(name)=\(redacted)" : String(pair)
        }
        return url[..<q] + "?" + query.joined(separator: "&")
    }

    public static func jsonl(_ exchange: Exchange) -> [UInt8] {
        var w = JSONWriter(capacity: exchange.request.body.count + exchange.response.body.count + 512)
        w.beginObject()
        w.key("request")
        w.beginObject()
        w.key("method"); w.string(exchange.method)
        w.key("url"); w.string(redactedURL(exchange.url))
        message(exchange.request, stream: false, into: &w)
        w.endObject()
        w.key("response")
        w.beginObject()
        w.key("status"); w.int(exchange.status)
        message(exchange.response, stream: exchange.response.mediaType == "text/event-stream", into: &w)
        if let delays = exchange.frameDelaysMilliseconds {
            w.key("frame_delays_ms")
            w.beginArray()
            for delay in delays { w.int(delay) }
            w.endArray()
        }
        w.endObject()
        w.endObject()
        var line = w.bytes
        for secret in secrets(of: exchange.request.headers) {
            line = replacing(Array(secret.utf8), with: Array(redacted.utf8), in: line)
        }
        line.append(0x0A)
        return line
    }

    private static func message(_ message: Exchange.Message, stream: Bool, into w: inout JSONWriter) {
        w.key("headers")
        w.beginArray()
        for (name, value) in message.headers {
            w.beginObject()
            w.key("name"); w.string(name)
            w.key("value"); w.string(isCredential(header: name) ? redacted : value)
            w.endObject()
        }
        w.endArray()
        guard !message.body.isEmpty else { return }
        if !stream, let json = try? JSONParser.parse(message.body) {
            w.key("body"); w.value(json)
        } else {
            w.key("body_text"); w.string(String(decoding: message.body, as: UTF8.self))
        }
    }

    static func replacing(_ needle: [UInt8], with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return haystack }
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count)
        var i = 0
        while i < haystack.count {
            if haystack[i] == needle[0], i + needle.count <= haystack.count, haystack[i..<(i + needle.count)].elementsEqual(needle) {
                out += replacement
                i += needle.count
            } else {
                out.append(haystack[i])
                i += 1
            }
        }
        return out
    }
}
