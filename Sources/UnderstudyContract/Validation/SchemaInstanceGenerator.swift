/// Writes a JSON value that satisfies a compiled schema, deterministically from a seed: objects with
/// their properties, arrays within bounds, enums and consts, numbers within bounds and multiples,
/// strings by length, format and (where a few candidates can satisfy it) pattern, anyOf/oneOf
/// branches, allOf merged. The result is checked with `SchemaValidator` and retried with other
/// choices when a constraint it cannot plan for (a pattern, `not`) fails.
///
/// Schemas can come from requests, so the work is bounded (`Budget`): a schema that demands more
/// (`minLength: 1000000000`, `minItems` in the millions, references that multiply) is refused
/// with `BudgetExceeded` instead of costing the server seconds or gigabytes.
public struct SchemaInstanceGenerator {
    /// Supplies text for a string property, by property name (nil: the generator's own words).
    public var text: (_ property: String?) -> String?
    public var budget: Budget
    /// Which properties an object gets besides its required ones.
    public var optionalProperties: Inclusion = .all
    public enum Inclusion: Sendable {
        /// Every property (strict structured outputs and tools).
        case all
        /// Each optional property with even odds, from the seed (best-effort tool calls).
        case some
    }
    private var rng: UInt64
    private var nodes = 0
    private var characters = 0
    /// Automaton steps spent matching patterns against candidate strings (`Pattern.cost`), in all.
    private var patternSteps = 0
    private var exceeded: String?
    /// Schema applications the validator took checking what was generated, in all.
    private(set) var validationSteps = 0

    /// What the last `generate` wrote: a caller sharing one budget among several answers (a
    /// request's `n` choices) takes this off what the next may write.
    public var spent: (values: Int, characters: Int, patternSteps: Int) { (nodes, characters, patternSteps) }

    /// What one `generate` may produce.
    public struct Budget: Sendable {
        /// Values (objects, arrays, scalars) in all.
        public var values = 100_000
        /// Characters of one string (`minLength` above this is refused).
        public var stringLength = 100_000
        /// Items of one array (`minItems` above this is refused).
        public var arrayItems = 10_000
        /// Characters of all strings together.
        public var characters = 1_000_000
        /// Steps of the pattern automaton, over every candidate string tried (a match's worst
        /// case is charged before it runs): tens of milliseconds at most.
        public var patternSteps = 16_000_000

        public init() {}
    }

    /// A schema that demands more than the budget allows, in words.
    public struct BudgetExceeded: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(seed: UInt64, budget: Budget = Budget(), text: @escaping (_ property: String?) -> String? = { _ in nil }) {
        self.rng = seed
        self.budget = budget
        self.text = text
    }

    public mutating func generate(_ schema: Schema) throws(BudgetExceeded) -> JSONValue {
        // The validator gets a step budget too, one for all attempts: a small schema can branch
        // exponentially, and eight attempts must not cost eight budgets.
        var validator = SchemaValidator()
        var steps = budget.values * 10
        var first: JSONValue?
        for _ in 0..<8 where steps > 0 {
            nodes = 0
            characters = 0
            let value = make(schema, property: nil, depth: 0)
            if let exceeded { throw BudgetExceeded(description: exceeded) }
            validator.stepLimit = steps
            let verdict = validator.verdict(value, against: schema)
            if verdict.valid {
                validationSteps += verdict.steps
                return value
            }
            steps -= verdict.steps
            validationSteps += verdict.steps
            if first == nil { first = value }
        }
        return first ?? .null
    }

    /// Records that the budget ran out (generation then unwinds, writing nulls).
    private mutating func refuse(_ reason: String) {
        if exceeded == nil { exceeded = reason }
    }

    private mutating func next() -> UInt64 {
        rng &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(rng)
    }

    private mutating func pick(_ count: Int) -> Int { Int(next() % UInt64(max(1, count))) }

    private mutating func make(_ s: Schema, property: String?, depth: Int) -> JSONValue {
        nodes += 1
        if nodes > budget.values { refuse("the schema asks for more than \(budget.values) values in all") }
        if exceeded != nil { return .null }
        if let constValue = s.constValue { return constValue }
        if let values = s.enumValues, !values.isEmpty { return values[pick(values.count)] }
        let branches = s.anyOf + s.oneOf
        let ownStructure = s.types != nil || !s.properties.isEmpty
        if !branches.isEmpty && !ownStructure {
            // Prefer a branch that is not just null.
            let useful = branches.filter { $0.types != [.null] }
            let pool = useful.isEmpty ? branches : useful
            return make(pool[pick(pool.count)], property: property, depth: depth + 1)
        }
        var value = makeOwn(s, property: property, depth: depth)
        var kept = Set(s.required)
        if !branches.isEmpty, case .object(var object) = value {
            // Branches beside the schema's own keywords: satisfy one of them too.
            let chosen = branches[pick(branches.count)]
            if Self.isConstraintOnly(chosen) {
                // oneOf: leave out what only the other branches require, so exactly one matches.
                if !s.oneOf.isEmpty {
                    let others = Set(s.oneOf.filter { $0 !== chosen }.flatMap(\.required))
                    for name in others where !chosen.required.contains(name) && !s.required.contains(name) { object[name] = nil }
                }
                for name in chosen.required where object[name] == nil {
                    object[name] = s.property(name).map { make($0, property: name, depth: depth + 1) } ?? .string(text(name) ?? name)
                }
                kept.formUnion(chosen.required)
            } else if case .object(let extra) = make(chosen, property: property, depth: depth + 1) {
                for member in extra.members where object[member.key] == nil { object[member.key] = member.value }
            }
            value = .object(object)
        }
        // `not: {required: [a, b]}` forbids having them all: drop one the value need not keep.
        if let not = s.not, Self.isConstraintOnly(not), case .object(var object) = value,
           !not.required.isEmpty, not.required.allSatisfy({ object[$0] != nil }),
           let drop = not.required.last(where: { !kept.contains($0) }) {
            object[drop] = nil
            value = .object(object)
        }
        return value
    }

    /// A schema that only constrains (required, bounds) without saying what the value is.
    static func isConstraintOnly(_ s: Schema) -> Bool {
        s.types == nil && s.properties.isEmpty && s.items == nil && s.enumValues == nil && s.constValue == nil
            && s.reference == nil && s.anyOf.isEmpty && s.oneOf.isEmpty && s.allOf.isEmpty
    }

    /// The value from the schema's own keywords (not its anyOf/oneOf).
    private mutating func makeOwn(_ s: Schema, property: String?, depth: Int) -> JSONValue {
        if let reference = s.reference, s.types == nil, s.properties.isEmpty {
            return depth > 24 ? .null : make(reference, property: property, depth: depth + 1)
        }
        if !s.allOf.isEmpty {
            var merged = JSONObject()
            var other: JSONValue?
            var required: [String] = s.required
            for part in s.allOf {
                required += part.required
                let value = make(part, property: property, depth: depth + 1)
                if let object = value.objectValue {
                    for member in object.members where merged[member.key] == nil { merged[member.key] = member.value }
                } else {
                    other = value
                }
            }
            if let other, merged.isEmpty { return other }
            if !s.properties.isEmpty, case .object(let own) = makeObject(s, depth: depth, fillRequired: false) {
                for member in own.members where merged[member.key] == nil { merged[member.key] = member.value }
            }
            for name in required where merged[name] == nil {
                let schema = s.property(name) ?? s.allOf.lazy.compactMap { $0.property(name) }.first
                merged[name] = schema.map { make($0, property: name, depth: depth + 1) } ?? .string(text(name) ?? name)
            }
            return .object(merged)
        }
        let inferred: Schema.TypeSet = s.items != nil ? [.array] : !s.properties.isEmpty || !s.required.isEmpty ? [.object] : [.string]
        let types = s.types ?? s.reference.flatMap(\.types) ?? inferred
        if types.contains(.object) { return makeObject(s, depth: depth, fillRequired: true) }
        if types.contains(.array) { return makeArray(s, depth: depth) }
        if types.contains(.string) { return .string(makeString(s, property: property)) }
        if types.contains(.integer) {
            let n = makeNumber(s, integer: true)
            // Beyond Int64 (a bound of 1e19) an integral double is still a JSON integer.
            return n > -9.2e18 && n < 9.2e18 ? .int(Int64(n)) : .double(n)
        }
        if types.contains(.number) { return .double(makeNumber(s, integer: false)) }
        if types.contains(.boolean) { return .bool(next() & 1 == 0) }
        return .null
    }

    private mutating func makeObject(_ s: Schema, depth: Int, fillRequired: Bool) -> JSONValue {
        var object = JSONObject()
        for (name, schema) in s.properties where depth < 12 || s.required.contains(name) {
            if optionalProperties == .some, !s.required.contains(name), next() & 1 == 0 { continue }
            object[name] = make(schema, property: name, depth: depth + 1)
        }
        if let reference = s.reference, case .object(let more) = make(reference, property: nil, depth: depth + 1) {
            for member in more.members where object[member.key] == nil { object[member.key] = member.value }
        }
        guard fillRequired else { return .object(object) }
        for name in s.required where object[name] == nil {
            if case .schema(let extra) = s.additionalProperties {
                object[name] = make(extra, property: name, depth: depth + 1)
            } else {
                object[name] = .string(text(name) ?? name)
            }
        }
        return .object(object)
    }

    private mutating func makeArray(_ s: Schema, depth: Int) -> JSONValue {
        var count = max(s.minItems ?? 0, depth > 8 ? 0 : min(2, s.maxItems ?? 2))
        count = max(count, s.prefixItems.count)
        if let max = s.maxItems { count = min(count, max) }
        guard count <= budget.arrayItems else {
            refuse("minItems \(count) is more than the \(budget.arrayItems) items Understudy writes in one array")
            return .array([])
        }
        var elements: [JSONValue] = []
        var seen: Set<SchemaEqualityKey> = []
        for i in 0..<count {
            let schema = i < s.prefixItems.count ? s.prefixItems[i] : s.items
            var value = schema.map { make($0, property: nil, depth: depth + 1) } ?? .string("item \(i + 1)")
            // uniqueItems: vary a repeated scalar (a set, not a scan: 10,000 items were seconds).
            if s.uniqueItems, !seen.insert(SchemaEqualityKey(value: value)).inserted {
                if case .string(let text) = value { value = .string("\(text) \(i + 1)") }
                if case .int(let n) = value { value = .int(n &+ Int64(i)) }
                seen.insert(SchemaEqualityKey(value: value))
            }
            elements.append(value)
        }
        return .array(elements)
    }

    private mutating func makeString(_ s: Schema, property: String?) -> String {
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

    private mutating func makeNumber(_ s: Schema, integer: Bool) -> Double {
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
