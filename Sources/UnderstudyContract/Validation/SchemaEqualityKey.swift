/// A JSON value hashed and compared by JSON Schema equality (`equal`: numbers by
/// value, object members in any order), so `uniqueItems` is one pass over a dictionary instead of
/// comparing every pair: 10,000 small objects were 50 million comparisons, seconds of CPU from a
/// 400-byte request. `Hasher` only buckets the values here; nothing of it reaches output.
struct SchemaEqualityKey: Hashable {
    let value: JSONValue

    static func == (a: SchemaEqualityKey, b: SchemaEqualityKey) -> Bool { equal(a.value, b.value) }

    /// JSON equality: 1 and 1.0 are equal; object member order does not matter.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int, .double), (.double, .int), (.double, .double): return a.doubleValue == b.doubleValue
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.members.allSatisfy { m in y[m.key].map { equal(m.value, $0) } ?? false }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        default: return a == b
        }
    }

    func hash(into hasher: inout Hasher) { Self.feed(value, into: &hasher) }

    private static func feed(_ value: JSONValue, into hasher: inout Hasher) {
        switch value {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(b ? 2 as UInt8 : 1)
        case .int, .double:
            hasher.combine(3 as UInt8)
            hasher.combine(value.doubleValue ?? 0)  // equal numbers have equal doubles (and 0.0 hashes as -0.0)
        case .string(let s):
            hasher.combine(5 as UInt8)
            hasher.combine(s)
        case .array(let elements):
            hasher.combine(6 as UInt8)
            hasher.combine(elements.count)
            for element in elements { feed(element, into: &hasher) }
        case .object(let object):
            hasher.combine(7 as UInt8)
            hasher.combine(object.count)
            // Members in any order: a sum of each member's own hash.
            var sum = 0
            for member in object.members {
                var inner = Hasher()
                inner.combine(member.key)
                feed(member.value, into: &inner)
                sum &+= inner.finalize()
            }
            hasher.combine(sum)
        }
    }
}
