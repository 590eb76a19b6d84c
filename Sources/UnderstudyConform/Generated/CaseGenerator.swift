import UnderstudyContract

/// Chat requests generated from the contract's request schema, deterministically from a seed.
/// A valid case is a user message plus up to three optional properties, each written by
/// `SchemaInstanceGenerator` from its own schema; an invalid case is a valid one with one
/// mutation the schema rejects (checked, not assumed).
struct CaseGenerator {
    let schema: Schema
    let model: String
    private var state: UInt64
    private let validator = SchemaValidator()
    /// Properties that change the exchange's kind (streams) or are fixed by the run.
    private static let fixed: Set<String> = ["model", "messages", "stream", "stream_options"]
    private static let prompts = [
        "Explain how tides work.", "Write a haiku about harbours.", "List three uses of copper.",
        "Summarise the plot of Hamlet in two sentences.", "What is a prime number?",
    ]
    /// Values tried in turn (from a seeded start) until one makes a property break the schema.
    private static let wrongValues: [JSONValue] = [
        .string("understudy-not-a-valid-value"), .int(-1), .int(1_000_000), .double(3.5), .bool(true),
        .array([.int(1)]), .object(JSONObject([("understudy", .int(1))])), .null,
    ]

    /// The request's properties and required names, gathered through `$ref` and `allOf` (the
    /// official document writes the chat request as allOf [shared properties, its own]).
    private let properties: [(name: String, schema: Schema)]
    private let required: [String]

    init(schema: Schema, model: String, seed: UInt64) {
        self.schema = schema
        self.model = model
        self.state = StableHash.combine(seed, 0xC0F0)
        var properties: [(name: String, schema: Schema)] = []
        var required: [String] = []
        var seen: Set<ObjectIdentifier> = []
        func gather(_ s: Schema) {
            guard seen.insert(ObjectIdentifier(s)).inserted else { return }
            for property in s.properties where !properties.contains(where: { $0.name == property.name }) { properties.append(property) }
            required += s.required.filter { !required.contains($0) }
            if let reference = s.reference { gather(reference) }
            for member in s.allOf { gather(member) }
        }
        gather(schema)
        self.properties = properties
        self.required = required
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state)
    }

    private mutating func pick(_ count: Int) -> Int { Int(next() % UInt64(max(1, count))) }

    private var optional: [(name: String, schema: Schema)] {
        properties.filter { !Self.fixed.contains($0.name) }
    }

    func isValid(_ request: JSONValue) -> Bool { validator.isValid(request, against: schema) }

    mutating func valid() -> JSONValue {
        var request = JSONObject([
            ("model", .string(model)),
            ("messages", .array([.object(JSONObject([("role", .string("user")), ("content", .string(Self.prompts[pick(Self.prompts.count)]))]))])),
        ])
        let pool = optional
        for _ in 0..<pick(4) where !pool.isEmpty {
            let (name, propertySchema) = pool[pick(pool.count)]
            var generator = SchemaInstanceGenerator(seed: next())
            request[name] = try? generator.generate(propertySchema)
            // A value the generator could not make valid (a pattern it cannot plan for) is left out.
            if !isValid(.object(request)) { request[name] = nil }
        }
        // Keeps a real provider's bill small: n is valid up to 128, and each choice is paid for.
        if let n = request["n"]?.integerValue, n > 2 { request["n"] = .int(2) }
        return .object(request)
    }

    /// One seeded way to break a request; applied again to every smaller variant while shrinking,
    /// so the minimal example still breaks the schema in that same way.
    struct Mutation {
        var description: String
        var apply: (JSONObject) -> JSONObject
    }

    /// A valid case and a mutation that makes it break the schema.
    mutating func invalid() -> (base: JSONValue, mutation: Mutation) {
        let base = valid()
        for _ in 0..<16 {
            let mutation = nextMutation()
            if !isValid(.object(mutation.apply(base.objectValue!))) { return (base, mutation) }
        }
        return (base, Mutation(description: "messages = []") { request in
            var request = request
            request["messages"] = .array([])
            return request
        })
    }

    private mutating func nextMutation() -> Mutation {
        switch pick(4) {
        case 0 where !required.isEmpty:
            let name = required[pick(required.count)]
            return Mutation(description: "without the required \(name)") { request in
                var request = request
                request[name] = nil
                return request
            }
        case 1 where !optional.isEmpty:
            let name = optional[pick(optional.count)].name
            let value = Self.wrongValues[pick(Self.wrongValues.count)]
            return Mutation(description: "\(name) = \(value.jsonString)") { request in
                var request = request
                request[name] = value
                return request
            }
        case 0, 1, 2:
            return Mutation(description: "an unknown argument") { request in
                var request = request
                request["understudy_unknown_argument"] = .int(1)
                return request
            }
        default:
            let broken: [(String, JSONValue)] = [("role", .string("wizard")), ("content", .int(42)), ("role", .null)]
            let (key, value) = broken[pick(broken.count)]
            return Mutation(description: "messages[0].\(key) = \(value.jsonString)") { request in
                var request = request
                guard case .object(var message)? = request["messages"]?.arrayValue?.first else { return request }
                message[key] = value
                request["messages"] = .array([.object(message)])
                return request
            }
        }
    }
}
