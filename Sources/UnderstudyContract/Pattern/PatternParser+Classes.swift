/// Escapes (`\d`, `\p{…}`, `\u{…}`…) and character classes (`[a-z\d]`, `[^…]`).
extension PatternParser {
    /// One escaped thing outside a class: a scalar or a class escape.
    mutating func escape(_ flags: Flags) throws(PatternError) -> PatternNode {
        switch try escapeItem(inClass: false) {
        case .scalar(let s): return .scalar(s, fold: flags.fold)
        case .item(let item): return .set(ScalarSet([item], fold: flags.fold))
        }
    }

    private enum Escaped { case scalar(Unicode.Scalar), item(ScalarSet.Item) }

    /// Reads the escape at `i` (a backslash) and moves past it.
    private mutating func escapeItem(inClass: Bool) throws(PatternError) -> Escaped {
        let start = i
        guard let e = peek(1) else { throw error("a pattern may not end with a backslash") }
        i += 2
        switch e {
        case "d", "D": return .item(.digit(negated: e == "D"))
        case "w", "W": return .item(.word(negated: e == "W"))
        case "s", "S": return .item(.space(negated: e == "S"))
        case "p", "P":
            guard peek() == "{", let close = c[i...].firstIndex(of: "}") else { throw error("\\\(e) needs a {category}", at: start) }
            let name = String(String.UnicodeScalarView(c[(i + 1)..<close]))
            guard ScalarSet.categories[name] != nil else {
                throw error("unsupported Unicode property '\(name)' (general categories such as L, Lu, Nd are)", at: start)
            }
            i = close + 1
            return .item(.category(name, negated: e == "P"))
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "t": return .scalar("\t")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "b" where inClass: return .scalar("\u{08}")
        case "0" where !(peek().map { $0 >= "0" && $0 <= "9" } ?? false): return .scalar("\0")
        case "1"..."9", "k":
            throw error("a backreference cannot be matched in linear time and is not supported", at: start)
        case "c":
            guard let letter = peek(), letter.properties.isASCIIHexDigit || (letter.isASCII && letter.properties.isAlphabetic) else {
                throw error("\\c needs a letter", at: start)
            }
            i += 1
            return .scalar(Unicode.Scalar(UInt8(letter.value % 32)))
        case "x":
            return .scalar(try hex(count: 2, start))
        case "u":
            if peek() == "{" {
                guard let close = c[i...].firstIndex(of: "}"), close - i <= 7 else { throw error("an unterminated \\u{…}", at: start) }
                let digits = String(String.UnicodeScalarView(c[(i + 1)..<close]))
                guard let v = UInt32(digits, radix: 16), let s = Unicode.Scalar(v) else { throw error("\\u{\(digits)} is not a scalar", at: start) }
                i = close + 1
                return .scalar(s)
            }
            return .scalar(try hex(count: 4, start))
        case _ where e.isASCII && e.properties.isAlphabetic || (e >= "0" && e <= "9"):
            throw error("unknown escape '\\\(e)'", at: start)
        default:
            return .scalar(e)  // an escaped punctuation or other scalar stands for itself
        }
    }

    private mutating func hex(count: Int, _ start: Int) throws(PatternError) -> Unicode.Scalar {
        guard i + count <= c.count else { throw error("a truncated hexadecimal escape", at: start) }
        let digits = String(String.UnicodeScalarView(c[i..<(i + count)]))
        guard let v = UInt32(digits, radix: 16), let s = Unicode.Scalar(v) else {
            throw error("'\(digits)' is not a hexadecimal scalar (surrogates are not scalars)", at: start)
        }
        i += count
        return s
    }

    mutating func characterClass(_ flags: Flags) throws(PatternError) -> PatternNode {
        let start = i
        i += 1
        let negated = peek() == "^"
        if negated { i += 1 }
        var items: [ScalarSet.Item] = []
        while let ch = peek(), ch != "]" {
            let first = try classAtom()
            guard case .scalar(let low) = first, peek() == "-", let after = peek(1), after != "]" else {
                if case .item(let item) = first { items.append(item) }
                if case .scalar(let s) = first { items.append(.range(s.value...s.value)) }
                continue
            }
            i += 1
            switch try classAtom() {
            case .scalar(let high):
                guard low <= high else { throw error("a class range out of order '\(low)-\(high)'", at: start) }
                items.append(.range(low.value...high.value))
            case .item(let item):
                // Annex B: `[a-\d]` is `a`, `-` and the digits.
                items += [.range(low.value...low.value), .range(0x2D...0x2D), item]
            }
        }
        guard peek() == "]" else { throw error("an unterminated character class", at: start) }
        i += 1
        return .set(ScalarSet(items, negated: negated, fold: flags.fold))
    }

    private mutating func classAtom() throws(PatternError) -> Escaped {
        if c[i] == "\\" { return try escapeItem(inClass: true) }
        i += 1
        return .scalar(c[i - 1])
    }
}
