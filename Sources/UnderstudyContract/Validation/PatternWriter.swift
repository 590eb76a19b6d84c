/// Writes a string matching a simple regular expression: literals, escapes (`\d`, `\w`, `\s`,
/// `\.`), character classes (`[a-z0-9_]`, `[^…]` is skipped), `.`, groups (first alternative), and
/// the quantifiers `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`; anchors are ignored. Nil for anything
/// beyond that. The caller checks that the result matches (the pattern may say more than this
/// reads, and the check is charged to the caller's budget). Writes at most `limit` characters:
/// `((a{1000}){1000}){1000}` is nil, not a gigabyte.
enum PatternWriter {
    static let limit = 10_000

    static func write(_ pattern: Pattern, seed: UInt64) -> String? {
        var chars = Array(pattern.source.unicodeScalars)
        if chars.first == "^" { chars.removeFirst() }
        if chars.last == "$", chars.count < 2 || chars[chars.count - 2] != "\\" { chars.removeLast() }
        var state = seed
        var i = 0
        guard let out = sequence(chars, &i, &state, until: nil), i == chars.count else { return nil }
        return out
    }

    /// Reads atoms until `until` (`)` or `|`) or the end; returns the text they write.
    private static func sequence(_ c: [Unicode.Scalar], _ i: inout Int, _ state: inout UInt64, until: Unicode.Scalar?) -> String? {
        var out = ""
        while i < c.count {
            if c[i] == ")" || c[i] == "|" { return out }
            guard let choices = atom(c, &i, &state), let (low, high) = quantifier(c, &i), low <= limit else { return nil }
            let count = low + Int(next(&state) % UInt64(max(1, min(high, low + 8) - low + 1)))
            for _ in 0..<count {
                out += choices()
                if out.utf8.count > limit { return nil }
            }
        }
        return out
    }

    private static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state)
    }

    /// One atom as a function writing one occurrence of it.
    private static func atom(_ c: [Unicode.Scalar], _ i: inout Int, _ state: inout UInt64) -> (() -> String)? {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars)
        var localState = state
        defer { state = localState }
        switch c[i] {
        case "\\":
            guard i + 1 < c.count else { return nil }
            let e = c[i + 1]
            i += 2
            switch e {
            case "d": return { String(Character(Unicode.Scalar(48 + UInt8(next(&localState) % 10)))) }
            case "w": return { String(Character(letters[Int(next(&localState) % 26)])) }
            case "s": return { " " }
            default: return { String(Character(e)) }
            }
        case "[":
            var j = i + 1
            if j < c.count, c[j] == "^" { return nil }
            var members: [Unicode.Scalar] = []
            while j < c.count, c[j] != "]" {
                if c[j] == "\\", j + 1 < c.count {
                    members += c[j + 1] == "d" ? Array("0123456789".unicodeScalars) : c[j + 1] == "w" ? letters : [c[j + 1]]
                    j += 2
                } else if j + 2 < c.count, c[j + 1] == "-", c[j + 2] != "]" {
                    guard c[j].value <= c[j + 2].value else { return nil }
                    for v in c[j].value...c[j + 2].value { if let s = Unicode.Scalar(v) { members.append(s) } }
                    j += 3
                } else {
                    members.append(c[j])
                    j += 1
                }
            }
            guard j < c.count, !members.isEmpty else { return nil }
            i = j + 1
            return { String(Character(members[Int(next(&localState) % UInt64(members.count))])) }
        case "(":
            i += 1
            if i + 1 < c.count, c[i] == "?", c[i + 1] == ":" { i += 2 }
            var groupState = localState
            guard let first = sequence(c, &i, &groupState, until: ")") else { return nil }
            // Skip the other alternatives.
            var depth = 0
            while i < c.count {
                if c[i] == "\\" { i += 2; continue }
                if c[i] == "(" { depth += 1 }
                if c[i] == ")" { if depth == 0 { break }; depth -= 1 }
                i += 1
            }
            guard i < c.count else { return nil }
            i += 1
            return { first }
        case ".":
            i += 1
            return { String(Character(letters[Int(next(&localState) % 26)])) }
        case "*", "+", "?", "{", "}", "]", "^", "$":
            return nil
        default:
            let literal = c[i]
            i += 1
            return { String(Character(literal)) }
        }
    }

    /// The bounds of the quantifier at `i` ((1, 1) when there is none); nil when they make no
    /// sense (`{-5}`, `{3,1}`).
    private static func quantifier(_ c: [Unicode.Scalar], _ i: inout Int) -> (Int, Int)? {
        guard i < c.count else { return (1, 1) }
        switch c[i] {
        case "?": i += 1; return (0, 1)
        case "*": i += 1; return (0, 8)
        case "+": i += 1; return (1, 8)
        case "{":
            var j = i + 1
            var text = ""
            while j < c.count, c[j] != "}" { text.unicodeScalars.append(c[j]); j += 1 }
            guard j < c.count else { return (1, 1) }
            i = j + 1
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count <= 2, let low = Int(parts[0]), low >= 0 else { return nil }
            let high = parts.count == 1 || parts[1].isEmpty ? (parts.count == 1 ? low : low + 8) : Int(parts[1])
            guard let high, high >= low else { return nil }
            return (low, high)
        default:
            return (1, 1)
        }
    }
}
