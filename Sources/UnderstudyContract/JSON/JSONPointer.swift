/// RFC 6901 JSON pointers: `/messages/0/content`, with `~0` for `~` and `~1` for `/`.
///
/// Pointers are handled byte by byte: `/`, `~`, `0` and `1` are ASCII, and no other character's
/// UTF-8 contains their bytes (going by `Character` is slower and splits no differently, except
/// that it would glue a combining mark to the `/` or `0` before it).
public enum JSONPointer {
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count + 4)
        for byte in token.utf8 {
            switch byte {
            case UInt8(ascii: "~"): out.append(UInt8(ascii: "~")); out.append(UInt8(ascii: "0"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "~")); out.append(UInt8(ascii: "1"))
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `~0` → `~`, `~1` → `/`; any other `~` stays as it is.
    public static func unescape(_ token: Substring) -> String {
        guard token.utf8.contains(UInt8(ascii: "~")) else { return String(token) }
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        var afterTilde = false
        for byte in token.utf8 {
            if afterTilde {
                afterTilde = false
                if byte == UInt8(ascii: "0") { out.append(UInt8(ascii: "~")); continue }
                if byte == UInt8(ascii: "1") { out.append(UInt8(ascii: "/")); continue }
                out.append(UInt8(ascii: "~"))
            }
            if byte == UInt8(ascii: "~") { afterTilde = true } else { out.append(byte) }
        }
        if afterTilde { out.append(UInt8(ascii: "~")) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The tokens of a pointer as written, still escaped.
    static func escapedTokens(_ pointer: String) -> [Substring]? {
        guard pointer.utf8.first == UInt8(ascii: "/") else { return pointer.isEmpty ? [] : nil }
        return pointer.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// The tokens of a pointer (`""` is the whole document), or nil if it does not start with `/`.
    public static func tokens(_ pointer: String) -> [String]? {
        escapedTokens(pointer)?.map(unescape)
    }

    /// Follows a pointer into a value.
    public static func resolve(_ pointer: String, in value: JSONValue) -> JSONValue? {
        guard let tokens = tokens(pointer) else { return nil }
        var current = value
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), i >= 0, i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// The pointer as the OpenAI API names a parameter: `/messages/0/content` → `messages[0].content`.
    public static func parameterName(_ pointer: String) -> String {
        var out = ""
        for token in tokens(pointer) ?? [] {
            if let index = Int(token), index >= 0, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? token : ".\(token)"
            }
        }
        return out
    }
}

extension JSONPointer {
    /// A query component decoded: `+` is a space, then percent-escapes.
    public static func percentDecodedQuery(_ text: String) -> String {
        percentDecoded(String(text.map { $0 == "+" ? " " : $0 }))
    }

    /// A URI fragment's percent-escapes decoded (`%7B` → `{`), as `$ref` fragments may carry them.
    public static func percentDecoded(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%"), let h1 = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex), h1 < utf8.endIndex,
               let h2 = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h2 < utf8.endIndex,
               let v = UInt8(String(decoding: [utf8[h1], utf8[h2]], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i = utf8.index(i, offsetBy: 3)
            } else {
                bytes.append(b)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
