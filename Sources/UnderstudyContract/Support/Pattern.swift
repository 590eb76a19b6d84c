/// A regular expression compiled once (at load), for schema `pattern`s and fixture rules.
public struct Pattern: @unchecked Sendable {
    // Regex values are immutable; the type is not Sendable only because of its generic output.
    let regex: Regex<AnyRegexOutput>
    public let source: String
    private let shortcut: Shortcut

    /// Patterns whose answer needs no regex engine, or only one attempt of it: Swift's engine
    /// tries a match at every position of the text, and reply rules run on every request.
    enum Shortcut: Equatable {
        case none
        /// `^…` with no top-level `|` and no multi-line mode: only a match at the start counts.
        case anchoredAtStart
        /// Plain text (optionally after `(?i)`): a substring search.
        case literal([UInt8], caseInsensitive: Bool)
    }

    public init(_ source: String) throws {
        regex = try Regex(source)
        self.source = source
        shortcut = Self.shortcut(for: source)
    }

    /// Whether the pattern occurs anywhere in `text` (JSON Schema's and our rules' semantics).
    public func matches(_ text: String) -> Bool {
        switch shortcut {
        case .anchoredAtStart:
            return (try? regex.prefixMatch(in: text)) != nil
        case .literal(let needle, let caseInsensitive):
            var text = text
            let found: Bool? = text.withUTF8 { haystack in
                // Beyond ASCII the engine judges: it matches whole `Character`s (an "e" does not
                // match the start of "e\u{301}"), and case folding maps the Kelvin sign to k.
                if !haystack.allSatisfy({ $0 < 0x80 }) { return nil }
                return Self.contains(haystack, needle, foldingCase: caseInsensitive)
            }
            if let found { return found }
        case .none:
            break
        }
        return (try? regex.firstMatch(in: text)) != nil
    }

    static func shortcut(for source: String) -> Shortcut {
        let bytes = Array(source.utf8)
        let metacharacters = Set("\\^$.|?*+()[]{}#".utf8)
        for (prefix, caseInsensitive) in [("(?i)", true), ("", false)] where source.hasPrefix(prefix) {
            let rest = bytes.dropFirst(prefix.utf8.count)
            if !rest.isEmpty, rest.allSatisfy({ $0 < 0x80 && $0 >= 0x20 && !metacharacters.contains($0) }) {
                let needle = caseInsensitive ? rest.map(lowercased) : Array(rest)
                return .literal(needle, caseInsensitive: caseInsensitive)
            }
        }
        if source.hasPrefix("^"), !source.contains("(?m"), !hasTopLevelAlternation(bytes) { return .anchoredAtStart }
        return .none
    }

    /// A `|` outside every group and character class (escapes skipped).
    private static func hasTopLevelAlternation(_ bytes: [UInt8]) -> Bool {
        var depth = 0
        var inClass = false
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "[") where !inClass: inClass = true
            case UInt8(ascii: "]") where inClass: inClass = false
            case UInt8(ascii: "(") where !inClass: depth += 1
            case UInt8(ascii: ")") where !inClass: depth -= 1
            case UInt8(ascii: "|") where !inClass && depth == 0: return true
            default: break
            }
            i += 1
        }
        return false
    }

    private static func lowercased(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], foldingCase: Bool) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var k = 0
            while k < needle.count, (foldingCase ? lowercased(haystack[start + k]) : haystack[start + k]) == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        return false
    }
}
