/// One HTTP request as the engine sees it: no NIO types, so the engine is testable without a socket.
public struct MockRequest: Sendable {
    public var method: String
    /// The path without the query string.
    public var path: String
    public var query: String?
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Splits a request target (`/v1/models?x=1`) into path and query.
    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.init(method: method, path: String(target[..<q]), query: String(target[target.utf8.index(after: q)...]),
                      headers: headers, body: body)
        } else {
            self.init(method: method, path: target, headers: headers, body: body)
        }
    }

    /// The first value of a header; `lowercaseName` is matched case-insensitively (ASCII).
    public func header(_ lowercaseName: String) -> String? {
        headers.first { Self.equalsIgnoringASCIICase($0.name, lowercaseName) }?.value
    }

    public static func equalsIgnoringASCIICase(_ name: String, _ lowercase: String) -> Bool {
        guard name.utf8.count == lowercase.utf8.count else { return false }
        for (a, b) in zip(name.utf8, lowercase.utf8) {
            let folded = a >= UInt8(ascii: "A") && a <= UInt8(ascii: "Z") ? a | 0x20 : a
            if folded != b { return false }
        }
        return true
    }
}
