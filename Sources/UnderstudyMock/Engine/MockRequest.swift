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
        // Over the bytes: `utf8.firstIndex(of:)` cost 630 instructions for a 20-byte path.
        var target = target
        if let q = target.withUTF8({ $0.firstIndex(of: UInt8(ascii: "?")) }) {
            let bytes = Array(target.utf8)
            self.init(method: method, path: String(decoding: bytes[..<q], as: UTF8.self),
                      query: String(decoding: bytes[(q + 1)...], as: UTF8.self), headers: headers, body: body)
        } else {
            self.init(method: method, path: target, headers: headers, body: body)
        }
    }

    /// The first value of a header; `lowercaseName` is matched case-insensitively (ASCII).
    public func header(_ lowercaseName: String) -> String? {
        // By index, lengths first: `first { }` copied (retained) every header it passed, and
        // the engine looks up about ten a request.
        let length = lowercaseName.utf8.count
        for index in headers.indices where headers[index].name.utf8.count == length {
            if Self.equalsIgnoringASCIICase(headers[index].name, lowercaseName) { return headers[index].value }
        }
        return nil
    }

    public static func equalsIgnoringASCIICase(_ name: String, _ lowercase: String) -> Bool {
        guard name.utf8.count == lowercase.utf8.count else { return false }
        // Over the bytes themselves: a zip of two UTF-8 views cost ~200 instructions a header,
        // and the engine looks up about ten headers a request.
        var name = name, lowercase = lowercase
        return name.withUTF8 { a in
            lowercase.withUTF8 { b in
                for i in 0..<a.count {
                    let c = a[i]
                    if (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c) != b[i] { return false }
                }
                return true
            }
        }
    }
}
