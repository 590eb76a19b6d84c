/// A character class (`[a-z_]`, `[^\d]`, `\w`…) with ECMA-262 meanings: `\d` and `\w` are ASCII,
/// `\s` is the WhiteSpace and LineTerminator scalars. ASCII membership is a precomputed bitmap;
/// other scalars walk the items.
struct ScalarSet: Sendable {
    enum Item: Sendable {
        case range(ClosedRange<UInt32>)
        case digit(negated: Bool)
        case word(negated: Bool)
        case space(negated: Bool)
        /// `\p{L}`, `\P{Lu}`: a general category by its one- or two-letter abbreviation.
        case category(String, negated: Bool)
    }

    private(set) var items: [Item]
    let negated: Bool
    /// Whether a scalar whose case differs also belongs (`(?i)`).
    let fold: Bool
    private var ascii: (UInt64, UInt64) = (0, 0)

    init(_ items: [Item], negated: Bool = false, fold: Bool = false) {
        self.items = items
        self.negated = negated
        self.fold = fold
        for b in 0..<128 where slowContains(Unicode.Scalar(UInt8(b))) {
            if b < 64 { ascii.0 |= 1 << UInt64(b) } else { ascii.1 |= 1 << UInt64(b - 64) }
        }
    }

    func contains(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 64 { return ascii.0 & (1 << UInt64(v)) != 0 }
        if v < 128 { return ascii.1 & (1 << UInt64(v - 64)) != 0 }
        return slowContains(s)
    }

    private func slowContains(_ s: Unicode.Scalar) -> Bool {
        var found = itemsContain(s)
        if !found && fold {
            let lower = CaseFolding.lower(s)
            let upper = CaseFolding.upper(s)
            found = (lower != s && itemsContain(lower)) || (upper != s && itemsContain(upper))
        }
        return found != negated
    }

    private func itemsContain(_ s: Unicode.Scalar) -> Bool {
        for item in items {
            switch item {
            case .range(let r): if r.contains(s.value) { return true }
            case .digit(let negated): if Self.isDigit(s) != negated { return true }
            case .word(let negated): if Self.isWord(s) != negated { return true }
            case .space(let negated): if Self.isSpace(s) != negated { return true }
            case .category(let name, let negated): if Self.isIn(category: name, s) != negated { return true }
            }
        }
        return false
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    static func isWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) || v == 0x5F
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    static func isLineTerminator(_ s: Unicode.Scalar) -> Bool {
        s.value == 0x0A || s.value == 0x0D || s.value == 0x2028 || s.value == 0x2029
    }

    /// The general categories `\p{…}` accepts, by abbreviation: a one-letter name covers its group.
    static let categories: [String: [Unicode.GeneralCategory]] = {
        let all: [(String, Unicode.GeneralCategory)] = [
            ("Lu", .uppercaseLetter), ("Ll", .lowercaseLetter), ("Lt", .titlecaseLetter), ("Lm", .modifierLetter),
            ("Lo", .otherLetter), ("Mn", .nonspacingMark), ("Mc", .spacingMark), ("Me", .enclosingMark),
            ("Nd", .decimalNumber), ("Nl", .letterNumber), ("No", .otherNumber), ("Pc", .connectorPunctuation),
            ("Pd", .dashPunctuation), ("Ps", .openPunctuation), ("Pe", .closePunctuation), ("Pi", .initialPunctuation),
            ("Pf", .finalPunctuation), ("Po", .otherPunctuation), ("Sm", .mathSymbol), ("Sc", .currencySymbol),
            ("Sk", .modifierSymbol), ("So", .otherSymbol), ("Zs", .spaceSeparator), ("Zl", .lineSeparator),
            ("Zp", .paragraphSeparator), ("Cc", .control), ("Cf", .format), ("Cs", .surrogate), ("Co", .privateUse),
            ("Cn", .unassigned),
        ]
        var table: [String: [Unicode.GeneralCategory]] = [:]
        for (name, category) in all {
            table[name] = [category]
            table[String(name.prefix(1)), default: []].append(category)
        }
        return table
    }()

    static func isIn(category name: String, _ s: Unicode.Scalar) -> Bool {
        categories[name]?.contains(s.properties.generalCategory) ?? false
    }
}
