/// Validates JSON values against compiled schemas and returns every finding.
///
/// For `anyOf`/`oneOf` whose branches are told apart by a discriminator or by a property pinned to
/// one value (`type: {enum: [text]}`, `role: {const: user}`), the findings are those of the branch
/// the instance meant, not "matched none of 12".
public struct SchemaValidator: Sendable {
    /// Check `format` (date-time, date, time, email, uri, uuid, int32, int64). JSON Schema makes
    /// formats annotations by default; a contract tool wants them checked, so this is on unless
    /// turned off (the differential test against `jsonschema` turns it off, as its default is).
    public var checkFormats: Bool
    /// The most schema applications one verdict may take, for schemas from requests (a small
    /// schema whose branches repeat can take exponential time); nil for trusted specs. Past it
    /// the value is reported invalid.
    public var stepLimit: Int?
    /// A property not in `required` may be null, a required one that admits null may be absent:
    /// how the SDKs read a response (Dialect.swift).
    public var optionalMayBeNull = false
    /// A value may match several `oneOf` branches (a union): how the live API reads a request.
    public var oneOfIsUnion = false

    public init(checkFormats: Bool = true) {
        self.checkFormats = checkFormats
    }

    /// This validator reading responses as the SDKs do.
    public var forResponses: SchemaValidator {
        var copy = self
        copy.optionalMayBeNull = true
        return copy
    }

    /// This validator reading an API request as the live API does (Dialect.swift): null for an
    /// optional member, no value for a required nullable one, and more than one `oneOf` branch
    /// are all taken.
    public var forRequests: SchemaValidator {
        var copy = self
        copy.optionalMayBeNull = true
        copy.oneOfIsUnion = true
        return copy
    }

    public func validate(_ value: JSONValue, against schema: Schema, at path: String = "") -> [Diagnostic] {
        // Most values are valid: the verdict first, which builds no instance paths (a finding is
        // the only place one is written); the findings, with their paths, only for what failed.
        var quick = Run(collect: false, checkFormats: checkFormats, optionalMayBeNull: optionalMayBeNull, oneOfIsUnion: oneOfIsUnion, limit: stepLimit ?? .max)
        quick.check(value, schema, path)
        if !quick.failed { return [] }
        var run = Run(collect: true, checkFormats: checkFormats, optionalMayBeNull: optionalMayBeNull, oneOfIsUnion: oneOfIsUnion, limit: stepLimit ?? .max)
        run.check(value, schema, path)
        return run.diagnostics
    }

    public func isValid(_ value: JSONValue, against schema: Schema) -> Bool {
        verdict(value, against: schema).valid
    }

    /// The verdict and the schema applications it took (a caller with a budget of its own).
    func verdict(_ value: JSONValue, against schema: Schema) -> (valid: Bool, steps: Int) {
        var run = Run(collect: false, checkFormats: checkFormats, optionalMayBeNull: optionalMayBeNull, oneOfIsUnion: oneOfIsUnion, limit: stepLimit ?? .max)
        run.check(value, schema, "")
        return (!run.failed, run.taken)
    }
}

struct Run {
    let collect: Bool
    let checkFormats: Bool
    let optionalMayBeNull: Bool
    let oneOfIsUnion: Bool
    /// Schema applications allowed, and taken so far (carried through nested runs).
    let limit: Int
    var taken = 0
    var diagnostics: [Diagnostic] = []
    var failed = false

    init(collect: Bool, checkFormats: Bool = true, optionalMayBeNull: Bool = false, oneOfIsUnion: Bool = false, limit: Int, taken: Int = 0) {
        self.collect = collect
        self.checkFormats = checkFormats
        self.optionalMayBeNull = optionalMayBeNull
        self.oneOfIsUnion = oneOfIsUnion
        self.limit = limit
        self.taken = taken
    }

    mutating func fail(_ path: String, _ schema: Schema, _ keyword: String, _ message: @autoclosure () -> String,
                       _ expected: @autoclosure () -> Diagnostic.Expectation? = nil) {
        failed = true
        if collect {
            diagnostics.append(Diagnostic(instancePath: path, schemaPath: schema.location + "/" + keyword, keyword: keyword,
                                          message: message(), expected: expected()))
        }
    }

    /// Stops early when only the verdict is wanted.
    var done: Bool { failed && !collect }

    mutating func check(_ value: JSONValue, _ s: Schema, _ path: String) {
        taken += 1
        if overBudget(path, s) { return }
        if s.acceptsNull, case .null = value { return }
        if s.rejectsEverything {
            fail(path, s, "false", "no value is allowed here")
            return
        }
        if let reference = s.reference { check(value, reference, path) }
        if done { return }
        if let types = s.types, !Self.matches(value, types) {
            fail(path, s, "type", "expected \(types.description), got \(Self.typeName(value))", .types(types))
            return
        }
        if let constValue = s.constValue, !SchemaEqualityKey.equal(value, constValue) {
            fail(path, s, "const", "expected \(FieldText.show(constValue)), got \(FieldText.show(value))", .values([constValue]))
        }
        if let values = s.enumValues, !values.contains(where: { SchemaEqualityKey.equal(value, $0) }) {
            fail(path, s, "enum", "\(FieldText.show(value)) is not one of \(values.map { FieldText.show($0) }.joined(separator: ", "))", .values(values))
        }
        switch value {
        case .object(let object): checkObject(object, s, path)
        case .array(let elements): checkArray(elements, s, path)
        case .string(let string): checkString(string, s, path)
        case .int, .double: checkNumber(value, s, path)
        default: break
        }
        if done { return }
        for part in s.allOf {
            check(value, part, path)
            if done { return }
        }
        if !s.anyOf.isEmpty { checkAlternatives(value, s, s.anyOf, "anyOf", path) }
        if !s.oneOf.isEmpty { checkAlternatives(value, s, s.oneOf, "oneOf", path) }
        if let not = s.not {
            var inner = Run(collect: false, checkFormats: checkFormats, optionalMayBeNull: optionalMayBeNull, oneOfIsUnion: oneOfIsUnion, limit: limit, taken: taken)
            inner.check(value, not, path)
            taken = inner.taken
            if overBudget(path, s) { return }
            if !inner.failed { fail(path, s, "not", "must not match the schema at \(not.location)") }
        }
    }

    /// Past the step limit the verdict is "invalid" (once), whatever a nested run concluded.
    mutating func overBudget(_ path: String, _ s: Schema) -> Bool {
        guard taken > limit else { return false }
        let message = "validation took more than \(limit) steps"
        if !failed || collect && diagnostics.last?.keyword != "budget" { fail(path, s, "budget", message) }
        return true
    }

    /// Whether `pattern` occurs in `text`, the match charged to the step budget by its worst case
    /// (`Pattern.cost`); nil, and the run over budget, when it would not fit.
    mutating func patternMatches(_ pattern: Pattern, _ text: String, _ path: String, _ s: Schema) -> Bool? {
        if limit != .max {
            let cost = pattern.cost(of: text) / Self.patternStepsPerStep
            taken += min(cost, limit)
            if overBudget(path, s) { return nil }
        }
        return pattern.matches(text)
    }

    /// Pattern steps (one live instruction at one scalar) worth one schema application: a
    /// request's schema may pair a 10,000-instruction pattern with a long string, and a match then
    /// costs what thousands of applications do.
    static let patternStepsPerStep = 16

    mutating func checkObject(_ object: JSONObject, _ s: Schema, _ path: String) {
        for name in s.required where object[name] == nil {
            // Dialect.swift: the SDK declares a required nullable property `Optional[T] = None`.
            if optionalMayBeNull && s.properties.first(where: { $0.name == name })?.schema.admitsNull() == true { continue }
            if optionalMayBeNull, let type = object["type"]?.stringValue, Dialect.liveOmissions[type]?.contains(name) == true { continue }
            fail(path, s, "required", "missing required property '\(name)'", .property(name))
            if done { return }
        }
        if let min = s.minProperties, object.count < min { fail(path, s, "minProperties", "expected at least \(min) properties, got \(object.count)", .count(min)) }
        if let max = s.maxProperties, object.count > max { fail(path, s, "maxProperties", "expected at most \(max) properties, got \(object.count)", .count(max)) }
        for member in object.members {
            let childPath = collect ? path + "/" + JSONPointer.escape(member.key) : path
            if let names = s.propertyNames { check(.string(member.key), names, childPath) }
            var matched = false
            if let property = s.properties.first(where: { $0.name == member.key }) {
                matched = true
                let optionalNull = optionalMayBeNull && member.value.isNull && !s.required.contains(member.key)
                if !optionalNull { check(member.value, property.schema, childPath) }
            }
            for (pattern, schema) in s.patternProperties {
                guard let matches = patternMatches(pattern, member.key, childPath, s) else { return }
                guard matches else { continue }
                matched = true
                check(member.value, schema, childPath)
            }
            if !matched {
                switch s.additionalProperties {
                case .allowed: break
                case .forbidden: fail(childPath, s, "additionalProperties", "unknown property '\(member.key)'", .property(member.key))
                case .schema(let schema): check(member.value, schema, childPath)
                }
            }
            if done { return }
        }
    }

    mutating func checkArray(_ elements: [JSONValue], _ s: Schema, _ path: String) {
        if let min = s.minItems, elements.count < min { fail(path, s, "minItems", "expected at least \(min) items, got \(elements.count)", .count(min)) }
        if let max = s.maxItems, elements.count > max { fail(path, s, "maxItems", "expected at most \(max) items, got \(elements.count)", .count(max)) }
        for (i, element) in elements.enumerated() {
            if i < s.prefixItems.count {
                check(element, s.prefixItems[i], collect ? path + "/\(i)" : path)
            } else if let items = s.items {
                check(element, items, collect ? path + "/\(i)" : path)
            }
            if done { return }
        }
        if s.uniqueItems {
            // One pass: the first item equal to an earlier one (linear, see SchemaEqualityKey).
            var seen: [SchemaEqualityKey: Int] = [:]
            seen.reserveCapacity(elements.count)
            for (j, element) in elements.enumerated() {
                if let i = seen.updateValue(j, forKey: SchemaEqualityKey(value: element)) {
                    fail(path, s, "uniqueItems", "items \(i) and \(j) are equal")
                    break
                }
            }
        }
    }

    mutating func checkString(_ string: String, _ s: Schema, _ path: String) {
        if s.minLength != nil || s.maxLength != nil {
            let length = string.unicodeScalars.count
            if let min = s.minLength, length < min { fail(path, s, "minLength", "expected at least \(min) characters, got \(length)", .count(min)) }
            if let max = s.maxLength, length > max { fail(path, s, "maxLength", "expected at most \(max) characters, got \(length)", .count(max)) }
        }
        if let pattern = s.pattern, patternMatches(pattern, string, path, s) == false {
            fail(path, s, "pattern", "\(FieldText.show(.string(string))) does not match /\(pattern.source)/")
        }
        if checkFormats, let format = s.format, !FormatChecks.check(string, format) {
            fail(path, s, "format", "\(FieldText.show(.string(string))) is not a valid \(format.rawValue)")
        }
    }

    mutating func checkNumber(_ value: JSONValue, _ s: Schema, _ path: String) {
        guard let d = value.doubleValue else { return }
        let integral = s.types.map { $0.contains(.integer) && !$0.contains(.number) } ?? false
        if let min = s.minimum, min.exclusive ? !(d > min.value) : d < min.value {
            fail(path, s, min.exclusive ? "exclusiveMinimum" : "minimum",
                 "expected a value \(min.exclusive ? ">" : ">=") \(Self.number(min.value)), got \(FieldText.show(value))",
                 .bound(min.value, integer: integral))
        }
        if let max = s.maximum, max.exclusive ? !(d < max.value) : d > max.value {
            fail(path, s, max.exclusive ? "exclusiveMaximum" : "maximum",
                 "expected a value \(max.exclusive ? "<" : "<=") \(Self.number(max.value)), got \(FieldText.show(value))",
                 .bound(max.value, integer: integral))
        }
        if let m = s.multipleOf, m > 0 {
            let q = d / m
            if q.isFinite, abs(q - q.rounded()) > 1e-9 * max(1, abs(q)) {
                fail(path, s, "multipleOf", "expected a multiple of \(Self.number(m)), got \(FieldText.show(value))")
            }
        }
        if checkFormats, let format = s.format, format == .int32 || format == .int64 {
            let limit = format == .int32 ? Double(Int32.max) : 9.223372036854775807e18
            if d.rounded() != d || d > limit || d < -limit - 1 {
                fail(path, s, "format", "\(FieldText.show(value)) is not a valid \(format.rawValue)")
            }
        }
    }

}
