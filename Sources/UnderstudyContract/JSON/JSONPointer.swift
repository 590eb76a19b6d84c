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
