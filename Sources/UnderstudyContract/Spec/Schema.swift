/// A JSON Schema compiled once at load: keywords decoded into fields, `$ref`s linked to their
/// targets, patterns compiled. Validation does no parsing, no regex compilation and no lookups by
/// name. It is a class, not an enum, because `$ref` cycles and `$recursiveRef` need identity; it is
/// only mutated while `SchemaCompiler` builds it, and read-only after: so its fields carry no
/// dynamic exclusivity checks (`@exclusivity(unchecked)`; a validation read a dozen of them per
/// node, 7% of a validated request's instructions under callgrind).
public final class Schema: @unchecked Sendable {
    /// Where it was written: `file#/json/pointer`.
    public let location: String

    @exclusivity(unchecked) public internal(set) var types: TypeSet?
    @exclusivity(unchecked) public internal(set) var enumValues: [JSONValue]?
    @exclusivity(unchecked) public internal(set) var constValue: JSONValue?
    /// OpenAPI 3.0's `nullable: true` on a schema with no `type`: null is accepted besides
    /// whatever the other keywords allow (with a `type`, null simply joins `types`).
    @exclusivity(unchecked) public internal(set) var acceptsNull = false
    /// `false` schema (nothing is valid); `true` and `{}` are `Schema` with no keywords.
    @exclusivity(unchecked) public internal(set) var rejectsEverything = false

    @exclusivity(unchecked) public internal(set) var properties: [(name: String, schema: Schema)] = []
    @exclusivity(unchecked) public internal(set) var required: [String] = []
    @exclusivity(unchecked) public internal(set) var additionalProperties: Additional = .allowed
    @exclusivity(unchecked) public internal(set) var patternProperties: [(pattern: Pattern, schema: Schema)] = []
    @exclusivity(unchecked) public internal(set) var propertyNames: Schema?
    @exclusivity(unchecked) public internal(set) var minProperties: Int?
    @exclusivity(unchecked) public internal(set) var maxProperties: Int?

    @exclusivity(unchecked) public internal(set) var prefixItems: [Schema] = []
    @exclusivity(unchecked) public internal(set) var items: Schema?
    @exclusivity(unchecked) public internal(set) var minItems: Int?
    @exclusivity(unchecked) public internal(set) var maxItems: Int?
    @exclusivity(unchecked) public internal(set) var uniqueItems = false

    @exclusivity(unchecked) public internal(set) var minimum: Bound?
    @exclusivity(unchecked) public internal(set) var maximum: Bound?
    @exclusivity(unchecked) public internal(set) var multipleOf: Double?

    @exclusivity(unchecked) public internal(set) var minLength: Int?
    @exclusivity(unchecked) public internal(set) var maxLength: Int?
    @exclusivity(unchecked) public internal(set) var pattern: Pattern?
    @exclusivity(unchecked) public internal(set) var format: Format?

    @exclusivity(unchecked) public internal(set) var allOf: [Schema] = []
    @exclusivity(unchecked) public internal(set) var anyOf: [Schema] = []
    @exclusivity(unchecked) public internal(set) var oneOf: [Schema] = []
    @exclusivity(unchecked) public internal(set) var not: Schema?
    @exclusivity(unchecked) public internal(set) var discriminator: Discriminator?
    /// A `$ref` (or `$recursiveRef`/`$dynamicRef`) written beside other keywords: both apply.
    /// Weak, as discriminator mappings are: references may close cycles (a recursive schema), and
    /// a cycle of strong references would never be freed. `SchemaGraph` keeps their targets alive.
    @exclusivity(unchecked) public internal(set) weak var reference: Schema?
    /// Set on each schema `SchemaCompiler.schema(file:pointer:)` hands out: what keeps every
    /// schema its references reach alive for as long as this one is.
    var graph: SchemaGraph?

    init(location: String) {
        self.location = location
    }

    public struct TypeSet: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let null = TypeSet(rawValue: 1)
        public static let boolean = TypeSet(rawValue: 2)
        public static let object = TypeSet(rawValue: 4)
        public static let array = TypeSet(rawValue: 8)
        public static let number = TypeSet(rawValue: 16)
        public static let integer = TypeSet(rawValue: 32)
        public static let string = TypeSet(rawValue: 64)

        static let names: [(TypeSet, String)] = [
            (.string, "string"), (.integer, "integer"), (.number, "number"), (.boolean, "boolean"),
            (.object, "object"), (.array, "array"), (.null, "null"),
        ]

        public var description: String {
            Self.names.filter { contains($0.0) }.map(\.1).joined(separator: " or ")
        }
    }

    public enum Additional: Sendable {
        case allowed
        case forbidden
        case schema(Schema)
    }

    public struct Bound: Sendable {
        public var value: Double
        public var exclusive: Bool
    }

    public struct Discriminator: Sendable {
        public var propertyName: String
        var targets: [(value: String, schema: WeakSchema)]

        /// Each tag value with its schema.
        public var mapping: [(value: String, schema: Schema)] {
            targets.compactMap { target in target.schema.schema.map { (target.value, $0) } }
        }
    }

    /// The formats that are checked; any other format is an annotation.
    public enum Format: String, Sendable {
        case dateTime = "date-time"
        case date
        case time
        case email
        case uri
        case uuid
        case int32
        case int64
    }

    /// The value this schema pins a property to (`const`, or an `enum` of one), if any.
    var pinnedValue: JSONValue? {
        if let constValue { return constValue }
        if let enumValues, enumValues.count == 1 { return enumValues[0] }
        return reference?.pinnedValue
    }

    /// The values this schema allows for a property, if it lists them (`const` or `enum`).
    var listedValues: [JSONValue]? {
        if let constValue { return [constValue] }
        if let enumValues { return enumValues }
        return reference?.listedValues
    }

    /// Whether null is among the values this schema accepts as written (`nullable`, a `null` type
    /// or value, a branch that takes null), looking through `$ref`s a few levels deep (a schema
    /// may refer to itself).
    func admitsNull(depth: Int = 0) -> Bool {
        if acceptsNull || types?.contains(.null) == true || constValue == .null || enumValues?.contains(.null) == true { return true }
        guard depth < 8 else { return false }
        if reference?.admitsNull(depth: depth + 1) == true { return true }
        return (anyOf + oneOf).contains { $0.admitsNull(depth: depth + 1) }
    }

    public func property(_ name: String) -> Schema? {
        if let found = properties.first(where: { $0.name == name })?.schema { return found }
        if let found = reference?.property(name) { return found }
        for part in allOf { if let found = part.property(name) { return found } }
        return nil
    }
}
