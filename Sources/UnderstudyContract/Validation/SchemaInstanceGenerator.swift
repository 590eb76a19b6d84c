/// Writes a JSON value that satisfies a compiled schema, deterministically from a seed: objects with
/// their properties, arrays within bounds, enums and consts, numbers within bounds and multiples,
/// strings by length, format and (where a few candidates can satisfy it) pattern, anyOf/oneOf
/// branches, allOf merged. The result is checked with `SchemaValidator` and retried with other
/// choices when a constraint it cannot plan for (a pattern, `not`) fails.
public struct SchemaInstanceGenerator {
    /// Supplies text for a string property, by property name (nil: the generator's own words).
    public var text: (_ property: String?) -> String?
    private var rng: UInt64

    public init(seed: UInt64, text: @escaping (_ property: String?) -> String? = { _ in nil }) {
        self.rng = seed
        self.text = text
    }

    public mutating func generate(_ schema: Schema) -> JSONValue {
        let validator = SchemaValidator()
        var first: JSONValue?
        for _ in 0..<8 {
            let value = make(schema, property: nil, depth: 0)
            if validator.isValid(value, against: schema) { return value }
            if first == nil { first = value }
        }
        return first ?? .null
    }

    private mutating func next() -> UInt64 {
        rng &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(rng)
    }

    private mutating func pick(_ count: Int) -> Int { Int(next() % UInt64(max(1, count))) }

    private mutating func make(_ s: Schema, property: String?, depth: Int) -> JSONValue {
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
        if types.contains(.integer) { return .int(Int64(makeNumber(s, integer: true))) }
        if types.contains(.number) { return .double(makeNumber(s, integer: false)) }
        if types.contains(.boolean) { return .bool(next() & 1 == 0) }
        return .null
    }

    private mutating func makeObject(_ s: Schema, depth: Int, fillRequired: Bool) -> JSONValue {
        var object = JSONObject()
        for (name, schema) in s.properties where depth < 12 || s.required.contains(name) {
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
        var elements: [JSONValue] = []
        for i in 0..<count {
            let schema = i < s.prefixItems.count ? s.prefixItems[i] : s.items
            var value = schema.map { make($0, property: nil, depth: depth + 1) } ?? .string("item \(i + 1)")
            // uniqueItems: vary a repeated scalar.
            if s.uniqueItems, elements.contains(value) {
                if case .string(let text) = value { value = .string("\(text) \(i + 1)") }
                if case .int(let n) = value { value = .int(n + Int64(i)) }
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
        if let pattern = s.pattern {
            // A few tries: the written string must also meet the length bounds.
            for _ in 0..<12 {
                guard let written = PatternWriter.write(pattern.source, seed: next()) else { break }
                let length = written.unicodeScalars.count
                if length >= (s.minLength ?? 0) && length <= (s.maxLength ?? Int.max) {
                    candidates.append(written)
                    break
                }
            }
        }
        candidates += ["example", "sample text", "abc", "ABC", "abc123", "a1", "12345", "x", "Example-1"]
        let min = s.minLength ?? 0
        let max = s.maxLength ?? Int.max
        for candidate in candidates {
            var value = candidate
            while value.unicodeScalars.count < min { value += " " + candidate }
            if value.unicodeScalars.count > max { value = String(value.unicodeScalars.prefix(max)) }
            if s.pattern.map({ $0.matches(value) }) ?? true { return value }
        }
        return String(repeating: "a", count: Swift.max(min, 1))
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
        var value = low + (span > 0 ? Double(next() % 1000) / 1000 * span : 0)
        if integer { value = value.rounded(.down) }
        if let m = s.multipleOf, m > 0 {
            value = (value / m).rounded(.up) * m
            if value > high { value = (high / m).rounded(.down) * m }
        }
        return integer ? value.rounded() : (value * 100).rounded() / 100
    }
}
