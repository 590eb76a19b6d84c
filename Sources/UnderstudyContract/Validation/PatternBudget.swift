/// Which regular expressions a schema from a request may carry. Swift's `Regex` backtracks, with
/// no time limit, so a pattern is refused when it is long, quantifies a group that already
/// repeats without bound (`(a+)+`, the shape behind catastrophic backtracking), or multiplies
/// bounded repeats past `maximumRepeat` (`((a{1000}){1000}){1000}`).
public enum PatternBudget {
    public static let maximumLength = 1_000
    public static let maximumRepeat = 10_000

    /// Why `source` is refused, or nil when it is within the budget.
    public static func problem(_ source: String) -> String? {
        let c = Array(source.unicodeScalars)
        if c.count > maximumLength { return "a pattern longer than \(maximumLength) characters" }
        // Per open group: whether something in it repeats without bound, and its largest repeat.
        var levels: [(unbounded: Bool, repeat_: Int)] = [(false, 1)]
        var last: (unbounded: Bool, repeat_: Int)? = nil
        var i = 0
        while i < c.count {
            switch c[i] {
            case "\\":
                i += 2
                last = (false, 1)
                continue
            case "[":
                i += 1
                if i < c.count, c[i] == "^" { i += 1 }
                if i < c.count, c[i] == "]" { i += 1 }
                while i < c.count, c[i] != "]" { i += c[i] == "\\" ? 2 : 1 }
                i += 1
                last = (false, 1)
                continue
            case "(":
                levels.append((false, 1))
                last = nil
            case ")":
                guard levels.count > 1 else { return "an unbalanced ')'" }
                last = levels.removeLast()
            case "|":
                last = nil
            case "*", "+", "?", "{":
                guard let (low, high) = quantifier(c, &i) else { return "a quantifier with bounds that make no sense" }
                guard let atom = last else { i += 1; continue }
                if atom.unbounded && high == nil { return "a repeated group that itself repeats without bound (such as (a+)+)" }
                let repeat_ = atom.repeat_.multipliedReportingOverflow(by: high ?? max(low, 1))
                if repeat_.overflow || repeat_.partialValue > maximumRepeat {
                    return "repeats nested past \(maximumRepeat) in all"
                }
                let quantified = (unbounded: atom.unbounded || high == nil, repeat_: repeat_.partialValue)
                levels[levels.count - 1].unbounded = levels[levels.count - 1].unbounded || quantified.unbounded
                levels[levels.count - 1].repeat_ = max(levels[levels.count - 1].repeat_, quantified.repeat_)
                last = nil
                continue
            default:
                last = (false, 1)
            }
            if let atom = last, c[i] == ")" {
                levels[levels.count - 1].unbounded = levels[levels.count - 1].unbounded || atom.unbounded
                levels[levels.count - 1].repeat_ = max(levels[levels.count - 1].repeat_, atom.repeat_)
            }
            i += 1
        }
        return nil
    }

    /// Reads the quantifier at `i` (and a lazy or possessive suffix); `high` nil is unbounded.
    private static func quantifier(_ c: [Unicode.Scalar], _ i: inout Int) -> (low: Int, high: Int?)? {
        var bounds: (Int, Int?)
        switch c[i] {
        case "*": bounds = (0, nil); i += 1
        case "+": bounds = (1, nil); i += 1
        case "?": bounds = (0, 1); i += 1
        default:
            var j = i + 1
            var text = ""
            while j < c.count, c[j] != "}" { text.unicodeScalars.append(c[j]); j += 1 }
            guard j < c.count else { i += 1; return (1, 1) }  // a literal '{'
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count <= 2, let low = Int(parts[0]), low >= 0 else { return nil }
            if parts.count == 1 {
                bounds = (low, low)
            } else if parts[1].isEmpty {
                bounds = (low, nil)
            } else {
                guard let high = Int(parts[1]), high >= low else { return nil }
                bounds = (low, high)
            }
            i = j + 1
        }
        if i < c.count, c[i] == "?" || c[i] == "+" { i += 1 }
        return bounds
    }
}
