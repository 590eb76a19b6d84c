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
    var rng: UInt64
    private var nodes = 0
    var characters = 0
    /// Automaton steps spent matching patterns against candidate strings (`Pattern.cost`), in all.
    var patternSteps = 0
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
    mutating func refuse(_ reason: String) {
        if exceeded == nil { exceeded = reason }
    }

    mutating func next() -> UInt64 {
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
}
