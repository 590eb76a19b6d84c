/// RFC 6901 JSON pointers: `/messages/0/content`, with `~0` for `~` and `~1` for `/`.
public enum JSONPointer {
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out = ""
        for c in token.unicodeScalars {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    public static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var out = ""
        var i = token.startIndex
        while i < token.endIndex {
            let c = token[i]
            let next = token.index(after: i)
            if c == "~", next < token.endIndex {
                if token[next] == "0" { out.append("~"); i = token.index(after: next); continue }
                if token[next] == "1" { out.append("/"); i = token.index(after: next); continue }
            }
            out.append(c)
            i = next
        }
        return out
    }

    /// The tokens of a pointer (`""` is the whole document), or nil if it does not start with `/`.
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(unescape)
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
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
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
