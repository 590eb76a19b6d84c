/// Strings (length, format, pattern) and numbers (bounds, multiples), within the budget.
extension SchemaInstanceGenerator {
    mutating func makeString(_ s: Schema, property: String?) -> String {
        var candidates: [String] = []
        switch s.format {
        case .dateTime?: candidates = ["2025-07-01T12:00:00Z"]
        case .date?: candidates = ["2025-07-01"]
        case .time?: candidates = ["12:00:00Z"]
        case .email?: candidates = ["alex@example.com"]
        case .uri?: candidates = ["https://example.com/"]
        case .uuid?: candidates = ["123e4567-e89b-42d3-a456-426614174000"]
        default: break
        }
        if let given = text(property) { candidates.append(given) }
        let min = s.minLength ?? 0
        let max = s.maxLength ?? Int.max
        guard min <= budget.stringLength else {
            refuse("minLength \(min) is more than the \(budget.stringLength) characters Understudy writes in one string")
            return ""
        }
        guard let pattern = s.pattern else { return spend(Self.fit(candidates.first ?? "example", min: min, max: max)) }
        var unaffordable = false
        // A few tries: the written string must also meet the length bounds.
        var written: String?
        for _ in 0..<12 {
            guard let text = PatternWriter.write(pattern, seed: next()), charge(pattern, text, &unaffordable) else { break }
            let length = text.unicodeScalars.count
            if length >= min && length <= max {
                written = text
                break
            }
        }
        if let written { candidates.append(written) }
        candidates += ["example", "sample text", "abc", "ABC", "abc123", "a1", "12345", "x", "Example-1"]
        for candidate in candidates {
            let value = Self.fit(candidate, min: min, max: max)
            // The written string was checked already (and fits its bounds unchanged).
            if value == written || charge(pattern, value, &unaffordable) { return spend(value) }
        }
        if unaffordable {
            refuse("matching the pattern /\(pattern.source.prefix(80))/ against strings it could accept takes more than the \(budget.patternSteps) pattern steps Understudy spends on a request")
            return ""
        }
        return spend(String(repeating: "a", count: Swift.max(min, 1)))
    }

    /// Whether `pattern` matches `text`, the match's worst case (`Pattern.cost`) charged first;
    /// false, and `unaffordable` set, when it is more than the budget has left.
    private mutating func charge(_ pattern: Pattern, _ text: String, _ unaffordable: inout Bool) -> Bool {
        let cost = pattern.cost(of: text)
        guard patternSteps + cost <= budget.patternSteps else {
            unaffordable = true
            return false
        }
        patternSteps += cost
        return pattern.matches(text)
    }

    /// `text` repeated (space-separated) up to `min` characters, cut at `max`: linear in the result.
    static func fit(_ text: String, min: Int, max: Int) -> String {
        var value = text
        let length = text.unicodeScalars.count
        if length < min, length > 0 {
            let copies = (min - length + length) / (length + 1)  // ⌈(min − length) / (length + 1)⌉
            value.reserveCapacity(text.utf8.count + copies * (text.utf8.count + 1))
            for _ in 0..<copies { value += " "; value += text }
        } else if length < min {
            value = String(repeating: "a", count: min)
        }
        if value.unicodeScalars.count > max { value = String(value.unicodeScalars.prefix(max)) }
        return value
    }

    private mutating func spend(_ string: String) -> String {
        characters += string.utf8.count
        if characters > budget.characters { refuse("the schema asks for more than \(budget.characters) characters in all") }
        return string
    }

    mutating func makeNumber(_ s: Schema, integer: Bool) -> Double {
        var low = s.minimum.map { $0.exclusive ? $0.value + (integer ? 1 : 0.5) : $0.value } ?? 0
        var high = s.maximum.map { $0.exclusive ? $0.value - (integer ? 1 : 0.5) : $0.value } ?? Swift.max(low, 0) + 100
        if integer {
            low = low.rounded(.up)
            high = high.rounded(.down)
        }
        if high < low { high = low }
        let span = high - low
        var value = low + (span.isFinite && span > 0 ? Double(next() % 1000) / 1000 * span : 0)
        if integer { value = value.rounded(.down) }
        if let m = s.multipleOf, m > 0 {
            let multiple = (value / m).rounded(.up) * m
            // A multipleOf so small that the quotient overflows: any representable value is as
            // close as the schema can mean.
            if multiple.isFinite {
                value = multiple
                if value > high, ((high / m).rounded(.down) * m).isFinite { value = (high / m).rounded(.down) * m }
            }
        }
        if !value.isFinite { value = low.isFinite ? low : 0 }
        guard abs(value) < 1e15 else { return value.rounded() }
        return integer ? value.rounded() : (value * 100).rounded() / 100
    }
}
