import UnderstudyContract

/// What a plain scalar in a fixture file means as a boolean or a number: the rules Yams applied
/// before `YAMLTree` replaced it (YAML 1.1's), kept so that files written for earlier versions
/// read the same. Quoted and block scalars are only ever strings.
enum YAMLWords {
    /// `true`/`yes`/`on` and `false`/`no`/`off`, in any case.
    static func bool(_ scalar: YAMLScalar) -> Bool? {
        guard scalar.isPlain else { return nil }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// Decimal, `0x`/`0o`/`0b` (and a leading `0`: octal), `_` as a separator, an optional sign,
    /// and base 60 (`1:30` is 90). Out of range is not an integer.
    static func int(_ scalar: YAMLScalar) -> Int? {
        guard scalar.isPlain else { return nil }
        let text = scalar.string.filter { $0 != "_" }
        if text == "0" { return 0 }
        let negative = text.hasPrefix("-")
        let body = text.dropFirst(negative || text.hasPrefix("+") ? 1 : 0)
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where body.hasPrefix(prefix) {
            return Int((negative ? "-" : "") + body.dropFirst(prefix.count), radix: radix)
        }
        if body.contains(":") {
            return base60(body, negative: negative, digit: { Int($0, radix: 10) }, times: { a, b in
                let (product, overflow) = a.multipliedReportingOverflow(by: b)
                return overflow ? nil : product
            }, plus: { a, b in
                let (sum, overflow) = a.addingReportingOverflow(b)
                return overflow ? nil : sum
            })
        }
        return Int(text)
    }

    /// `.inf`, `-.inf`, `.nan` in any case, `_` as a separator, base 60, else Swift's reading.
    static func double(_ scalar: YAMLScalar) -> Double? {
        guard scalar.isPlain else { return nil }
        switch scalar.string.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        let text = scalar.string.filter { $0 != "_" }
        if text.contains(":") {
            let negative = text.hasPrefix("-")
            let body = text.dropFirst(negative || text.hasPrefix("+") ? 1 : 0)
            return base60(body, negative: negative, digit: { Double($0) }, times: { $0 * $1 }, plus: { $0 + $1 })
        }
        return Double(text)
    }

    private static func base60<T: SignedNumeric>(
        _ body: Substring, negative: Bool, digit: (Substring) -> T?, times: (T, T) -> T?, plus: (T, T) -> T?
    ) -> T? {
        var value: T = 0
        for part in body.split(separator: ":", omittingEmptySubsequences: false) {
            guard let d = digit(part), let shifted = times(value, 60), let next = plus(shifted, d) else { return nil }
            value = next
        }
        return negative ? times(value, -1) : value
    }
}
