/// Where Redis is: `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (port 6379, database 0 by
/// default; an IPv6 host in brackets). A password is sent with `AUTH` on each connection and is
/// never part of `description`.
public struct RedisAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: Int
    public var username: String?
    public var password: String?

    public init(host: String, port: Int = 6379, database: Int = 0, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
    }

    /// Parses a `redis://` URL; anything else (TLS, Unix sockets, query options) is refused with a
    /// message saying so. Messages never repeat the URL, which may hold a password.
    public init(url: String) throws(RedisError) {
        func invalid(_ why: String) -> RedisError {
            RedisError(.invalidAddress, "invalid Redis address: \(why) (expected redis://HOST:PORT[/DB])")
        }
        let lowered = url.lowercased()
        if lowered.hasPrefix("rediss://") { throw invalid("TLS (rediss://) is not supported") }
        if lowered.hasPrefix("unix://") || lowered.hasPrefix("redis+unix://") {
            throw invalid("Unix sockets are not supported")
        }
        guard lowered.hasPrefix("redis://") else { throw invalid("the scheme must be redis://") }
        var rest = url.dropFirst("redis://".count)
        if rest.contains(where: { $0 == "?" || $0 == "#" }) { throw invalid("query options are not supported") }

        // Credentials: everything before the last "@" (a password may itself contain "@" only
        // percent-encoded, but being lenient here costs nothing).
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userinfo.firstIndex(of: ":") else {
                throw invalid("credentials must be USER:PASSWORD@ or :PASSWORD@")
            }
            guard let user = Self.percentDecoded(userinfo[..<colon]),
                  let secret = Self.percentDecoded(userinfo[userinfo.index(after: colon)...])
            else { throw invalid("bad percent-encoding in the credentials") }
            username = user.isEmpty ? nil : user
            password = secret
        }

        // Host: bracketed IPv6, or up to ":" or "/".
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("unclosed [ in the host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else {
            let end = rest.firstIndex(where: { $0 == ":" || $0 == "/" }) ?? rest.endIndex
            host = rest[..<end]
            rest = rest[end...]
        }
        guard !host.isEmpty else { throw invalid("no host") }

        var port = 6379
        if rest.hasPrefix(":") {
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            let digits = rest[rest.index(after: rest.startIndex)..<end]
            guard let value = Self.decimal(digits), (1...65535).contains(value) else {
                throw invalid("the port must be a number from 1 to 65535")
            }
            port = value
            rest = rest[end...]
        }

        var database = 0
        if rest.hasPrefix("/") {
            let digits = rest.dropFirst()
            if !digits.isEmpty {
                guard let value = Self.decimal(digits), value <= Int(Int32.max) else {
                    throw invalid("the database must be a number, as in redis://HOST:PORT/0")
                }
                database = value
            }
        } else if !rest.isEmpty {
            throw invalid("unexpected text after the host")
        }
        self.init(host: String(host), port: port, database: database, username: username, password: password)
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(shownHost):\(port)/\(database)"
    }

    private static func decimal(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = utf8.popFirst().flatMap(hexValue), let low = utf8.popFirst().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
