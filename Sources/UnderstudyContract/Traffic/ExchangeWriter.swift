/// Writes an exchange as one JSONL line that `ExchangeReader` reads back, with every secret taken
/// out. A request header or query parameter is a credential when its name says so (a known auth
/// header, or a name with key, token, secret, auth, password, session, signature, cookie,
/// organization or project in it, percent-encoded names decoded) or its value looks like a key
/// (`sk-…`, `Bearer …`, or a long unbroken run of letters and digits). Their values become
/// "[redacted]", and so does every other occurrence of those values in the line, as written or
/// percent-encoded: in the URL, headers, bodies and streams (an upstream that echoes the key),
/// JSON-escaped ones included, and JSON members named like credentials (`+Decoded`).
public enum ExchangeWriter {
    public static let redacted = "[redacted]"
    static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "api-key", "x-api-key", "x-goog-api-key", "cookie", "set-cookie",
        "ocp-apim-subscription-key", "openai-organization", "openai-project",
    ]
    static let credentialFragments = ["key", "token", "secret", "auth", "password", "passwd", "session", "signature", "cookie",
                                      "organization", "project", "credential"]

    /// A header (of a request, or a known one of a response) that carries a credential.
    public static func isCredential(header name: String) -> Bool {
        credentialHeaders.contains(name.lowercased())
    }

    static func isCredential(requestHeader name: String, value: String) -> Bool {
        let lower = name.lowercased()
        return credentialHeaders.contains(lower) || credentialFragments.contains(where: lower.contains) || looksLikeKey(value)
    }

    static func isCredential(parameter name: String, value: String) -> Bool {
        let lower = JSONPointer.percentDecodedQuery(name).lowercased()
        return credentialFragments.contains(where: lower.contains) || lower == "sig" || looksLikeKey(JSONPointer.percentDecodedQuery(value))
    }

    /// `sk-…`, `Bearer …`, or 24+ characters of one token with both letters and digits.
    static func looksLikeKey(_ value: String) -> Bool {
        let v = value.trimmingWhitespace()
        if v.hasPrefix("sk-") || v.hasPrefix("sk_") || v.lowercased().hasPrefix("bearer ") || v.lowercased().hasPrefix("basic ") { return true }
        guard v.utf8.count >= 24 else { return false }
        var letters = false, digits = false
        for b in v.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): letters = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): break
            default: return false
            }
        }
        return letters && digits
    }

    /// The credential values a request carries (headers and query) of 8 characters or more,
    /// longest first: whole values, the token of `Bearer X`, each parameter of a credential
    /// header (cookies, SigV4's credential, access key id and signature).
    public static func secrets(of headers: [(name: String, value: String)], url: String = "") -> [String] {
        allSecrets(of: headers, url: url).long
    }

    /// The long secrets, and the short ones (under 8 characters: a whole JSON string is redacted
    /// when it is one; replacing their bytes everywhere would mangle ordinary text).
    static func allSecrets(of headers: [(name: String, value: String)], url: String) -> Secrets {
        var found: [String] = []
        for (name, value) in headers where isCredential(requestHeader: name, value: value) {
            found += credentialParts(of: value)
        }
        for (name, value) in queryParameters(url) where isCredential(parameter: name, value: value) {
            found.append(value)
            found.append(JSONPointer.percentDecodedQuery(value))
        }
        var unique: [String] = []
        var short: Set<String> = []
        for value in found where !value.isEmpty && !unique.contains(value) {
            if value.utf8.count >= 8 { unique.append(value) } else { short.insert(value) }
        }
        return Secrets(long: unique.sorted { $0.utf8.count > $1.utf8.count }, short: short)
    }

    private static func queryParameters(_ url: String) -> [(String, String)] {
        guard let q = url.firstIndex(of: "?") else { return [] }
        return url[url.index(after: q)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// The URL with credential query parameters redacted.
    public static func redactedURL(_ url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts.first ?? "")
            return isCredential(parameter: name, value: parts.count > 1 ? String(parts[1]) : "") ? "\(name)=\(redacted)" : String(pair)
        }
        return url[..<q] + "?" + query.joined(separator: "&")
    }

    /// `value` percent-encoded as a URL would carry it: everything but unreserved characters, or
    /// (`all`) everything but letters and digits, as some encoders do.
    static func percentEncoded(_ value: String, upper: Bool, all: Bool = false) -> String {
        let hex = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(b)
            case _ where !all && (b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func jsonl(_ exchange: Exchange) -> [UInt8] {
        let secrets = allSecrets(of: exchange.request.headers, url: exchange.url)
        var w = JSONWriter(capacity: exchange.request.body.count + exchange.response.body.count + 512)
        w.beginObject()
        w.key("request")
        w.beginObject()
        w.key("method"); w.string(exchange.method)
        w.key("url"); w.string(redactedURL(exchange.url))
        message(exchange.request, stream: false, request: true, secrets: secrets, into: &w)
        w.endObject()
        w.key("response")
        w.beginObject()
        w.key("status"); w.int(exchange.status)
        message(exchange.response, stream: exchange.response.mediaType == "text/event-stream", request: false, secrets: secrets, into: &w)
        if let delays = exchange.frameDelaysMilliseconds {
            w.key("frame_delays_ms")
            w.beginArray()
            for delay in delays { w.int(delay) }
            w.endArray()
        }
        w.endObject()
        w.endObject()
        var line = w.bytes
        for secret in secrets.long {
            let forms = [true, false].flatMap { upper in [false, true].map { percentEncoded(secret, upper: upper, all: $0) } }
            for form in Set([secret] + forms).sorted() {
                line = replacing(Array(form.utf8), with: Array(redacted.utf8), in: line)
            }
        }
        line.append(0x0A)
        return line
    }

    private static func message(_ message: Exchange.Message, stream: Bool, request: Bool, secrets: Secrets, into w: inout JSONWriter) {
        w.key("headers")
        w.beginArray()
        for (name, value) in message.headers {
            let secret = request ? isCredential(requestHeader: name, value: value) : isCredential(header: name)
            w.beginObject()
            w.key("name"); w.string(name)
            w.key("value"); w.string(secret ? redacted : value)
            w.endObject()
        }
        w.endArray()
        guard !message.body.isEmpty else { return }
        // Bodies are redacted as decoded (JSON re-written plainly, frames holding a credential
        // too); the byte replacement in `jsonl` then finds every long secret.
        if !stream, let json = try? JSONParser.parse(message.body) {
            w.key("body"); w.value(scrubbed(json, short: secrets.short))
        } else {
            w.key("body_text"); w.string(String(decoding: decodedFrames(message.body, secrets: secrets), as: UTF8.self))
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
