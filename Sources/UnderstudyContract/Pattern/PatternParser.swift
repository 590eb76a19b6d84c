/// Reads the ECMA-262 pattern syntax JSON Schema names (and our fixture rules use) into a
/// `PatternNode`: literals, `.`, classes, `\d \w \s \b` and their negations, `\p{…}`, escapes,
/// `^ $`, groups (capturing, named, non-capturing), `|`, greedy and lazy quantifiers, and the flags
/// `i`, `m`, `s` as `(?i)` (for the rest of the group) or `(?i:…)`. Backreferences and lookaround
/// are refused: no engine matches them in linear time.
struct PatternParser {
    struct Flags {
        var fold = false
        var multiline = false
        var dotAll = false
    }

    /// Groups nested deeper are refused, so the recursive descent cannot exhaust the stack.
    static let maximumDepth = 100
    /// Repeat counts are read up to this; larger ones fail the program-size cap anyway.
    static let countCeiling = 1_000_000

    // Read by the escapes and classes (PatternParser+Classes.swift).
    let c: [Unicode.Scalar]
    var i = 0
    private var depth = 0

    static func parse(_ source: String) throws(PatternError) -> PatternNode {
        var parser = PatternParser(c: Array(source.unicodeScalars))
        let node = try parser.disjunction(Flags())
        if parser.i < parser.c.count { throw parser.error("an unbalanced ')'") }
        return node
    }

    private init(c: [Unicode.Scalar]) { self.c = c }

    func error(_ message: String, at offset: Int? = nil) -> PatternError {
        PatternError(message: message, offset: offset ?? i)
    }

    func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < c.count ? c[i + k] : nil }

    // MARK: Structure

    private mutating func disjunction(_ outer: Flags) throws(PatternError) -> PatternNode {
        var flags = outer
        var branches: [PatternNode] = []
        var terms: [PatternNode] = []
        while let ch = peek(), ch != ")" {
            if ch == "|" {
                branches.append(Self.sequence(terms))
                terms = []
                i += 1
            } else if ch == "(", peek(1) == "?", let (changed, end) = flagGroup(flags), c[end] == ")" {
                flags = changed  // `(?i)`: for the rest of this group, across its `|`s too
                i = end + 1
            } else {
                terms.append(try term(flags))
            }
        }
        branches.append(Self.sequence(terms))
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private static func sequence(_ terms: [PatternNode]) -> PatternNode {
        terms.isEmpty ? .empty : terms.count == 1 ? terms[0] : .concat(terms)
    }

    /// The flags `(?ims-ims` at `i` sets, and the index of the `)` or `:` that ends them.
    private func flagGroup(_ flags: Flags) -> (Flags, end: Int)? {
        var changed = flags
        var on = true
        var j = i + 2
        while j < c.count {
            switch c[j] {
            case "i": changed.fold = on
            case "m": changed.multiline = on
            case "s": changed.dotAll = on
            case "-" where on: on = false
            case ")", ":": return j == i + 2 && c[j] == ")" ? nil : (changed, j)
            default: return nil
            }
            j += 1
        }
        return nil
    }

    private mutating func term(_ flags: Flags) throws(PatternError) -> PatternNode {
        let start = i
        let ch = c[i]
        let atom: PatternNode
        switch ch {
        case "^":
            i += 1
            return try unquantified(.assertion(flags.multiline ? .lineStart : .textStart), start)
        case "$":
            i += 1
            return try unquantified(.assertion(flags.multiline ? .lineEnd : .textEnd), start)
        case "\\" where peek(1) == "b" || peek(1) == "B":
            i += 2
            return try unquantified(.assertion(ch == "\\" && c[start + 1] == "b" ? .wordBoundary : .notWordBoundary), start)
        case "\\":
            atom = try escape(flags)
        case "(":
            atom = try group(flags)
        case "[":
            atom = try characterClass(flags)
        case ".":
            i += 1
            atom = .any(dotAll: flags.dotAll)
        case "*", "+", "?":
            throw error("nothing to repeat before '\(ch)'")
        case "{" where try bounds() != nil:
            throw error("nothing to repeat before '{'")
        default:
            i += 1
            atom = .scalar(ch, fold: flags.fold)
        }
        guard let (low, high) = try quantifier() else { return atom }
        return .repeated(atom, min: low, max: high)
    }

    private mutating func unquantified(_ node: PatternNode, _ start: Int) throws(PatternError) -> PatternNode {
        if let ch = peek(), ch == "*" || ch == "+" || ch == "?" { throw error("nothing to repeat: an assertion cannot be quantified") }
        let saved = i
        if peek() == "{", try bounds() != nil { throw error("nothing to repeat: an assertion cannot be quantified", at: saved) }
        i = saved
        return node
    }

    private mutating func group(_ flags: Flags) throws(PatternError) -> PatternNode {
        let start = i
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("groups nested deeper than \(Self.maximumDepth)") }
        var inner = flags
        i += 1
        if peek() == "?" {
            switch peek(1) {
            case ":":
                i += 2
            case "=", "!":
                throw error("lookahead '(?\(c[i + 1])' cannot be matched in linear time and is not supported", at: start)
            case "<" where peek(2) == "=" || peek(2) == "!":
                throw error("lookbehind '(?<\(c[i + 2])' cannot be matched in linear time and is not supported", at: start)
            case "<",
                 "P" where peek(2) == "<":
                // A named group: the name matters only to backreferences, which are refused.
                while let ch = peek(), ch != ">" { i += 1 }
                guard peek() == ">" else { throw error("an unterminated group name", at: start) }
                i += 1
            case "P" where peek(2) == "=":
                throw error("a backreference cannot be matched in linear time and is not supported", at: start)
            default:
                i -= 1
                guard let (changed, end) = flagGroup(flags), c[end] == ":" else {
                    throw error("an unsupported group syntax '(?\(peek(2).map { String($0) } ?? "")'", at: start)
                }
                inner = changed
                i = end + 1
            }
        }
        let body = try disjunction(inner)
        guard peek() == ")" else { throw error("an unterminated group", at: start) }
        i += 1
        return body
    }

    // MARK: Quantifiers

    /// The bounds of the quantifier at `i` (nil when there is none), past any lazy `?`.
    private mutating func quantifier() throws(PatternError) -> (Int, Int?)? {
        guard let ch = peek() else { return nil }
        var result: (Int, Int?)
        switch ch {
        case "*": result = (0, nil); i += 1
        case "+": result = (1, nil); i += 1
        case "?": result = (0, 1); i += 1
        case "{":
            guard let b = try bounds() else { return nil }
            result = b
        default: return nil
        }
        if peek() == "?" {
            i += 1  // lazy: another order of trying, the same answer to whether a match exists
        } else if peek() == "+" {
            throw error("a possessive quantifier is not ECMA-262 syntax")
        }
        return result
    }

    /// Reads `{m}`, `{m,}` or `{m,n}` at `i` and moves past it; nil (not moved) when the brace is
    /// a literal. Something quantifier-like with bounds that make no sense (`{-5}`, `{3,1}`) throws.
    private mutating func bounds() throws(PatternError) -> (Int, Int?)? {
        var j = i + 1
        var inside: [Unicode.Scalar] = []
        while j < c.count, c[j] != "}", inside.count < 40 { inside.append(c[j]); j += 1 }
        guard j < c.count, c[j] == "}",
              !inside.isEmpty, inside.allSatisfy({ ($0 >= "0" && $0 <= "9") || $0 == "," || $0 == "-" || $0 == " " })
        else { return nil }
        let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
        // `{,n}` is `{0,n}`, as Swift's Regex, Python and PCRE2 read it (ECMA-262 would match the text).
        guard parts.count <= 2, let low = parts[0].isEmpty && parts.count == 2 ? 0 : Self.count(parts[0]) else {
            throw error("a quantifier with bounds that make no sense")
        }
        var high: Int? = low
        if parts.count == 2 {
            if parts[1].isEmpty {
                high = nil
            } else {
                guard let h = Self.count(parts[1]), h >= low else { throw error("a quantifier with bounds that make no sense") }
                high = h
            }
        }
        i = j + 1
        return (low, high)
    }

    private static func count(_ digits: ArraySlice<Unicode.Scalar>) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        var value = 0
        for d in digits { value = min(value * 10 + Int(d.value - 48), countCeiling) }
        return value
    }
}
