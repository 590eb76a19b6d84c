/// A JSON object whose members keep their order. Lookups are linear: request and response objects
/// have a handful of keys, where a scan beats hashing, and no hash order can leak into output.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init() { members = [] }

    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    /// The value of the last member with this key (JSON parsers conventionally keep the last duplicate).
    public subscript(key: String) -> JSONValue? {
        get {
            // Lengths first: most keys a lookup passes differ in length, and comparing two
            // different strings costs a call into the runtime; a length is a field read.
            let length = key.utf8.count
            for member in members.reversed() where member.key.utf8.count == length && member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }
}
