/// What a schema in a raw document says, as far as a diff compares it: `$ref`s followed, `allOf`
/// merged, OpenAPI 3.0's `nullable` read as Dialect.swift reads it.
struct SchemaFacts {
    var pointer: String
    var types: Set<String> = []
    var enumValues: [String]?
    var properties: [(name: String, value: JSONValue, pointer: String)] = []
    var required: Set<String> = []
    /// Where each required name is listed (an `allOf` member's `required`, often).
    var requiredAt: [String: String] = [:]
    var items: (value: JSONValue, pointer: String)?
    /// anyOf/oneOf members keyed by their pinned `type` (an event type), else by their `$ref`, else by index.
    var variants: [(key: String, value: JSONValue, pointer: String, isEventType: Bool)] = []

    init(_ value: JSONValue, pointer: String, in document: SpecDocument) {
        let (resolved, at) = Self.resolve(value, pointer, document)
        self.pointer = at
        absorb(resolved, at, document, depth: 0)
        if resolved["nullable"] == .bool(true) || value["nullable"] == .bool(true) {
            types.insert("null")
            if enumValues != nil, !enumValues!.contains("null") { enumValues!.append("null") }
        }
    }

    private mutating func absorb(_ value: JSONValue, _ at: String, _ document: SpecDocument, depth: Int) {
        guard depth < 16 else { return }
        if let type = value["type"] { for name in type.arrayValue ?? [type] { if let t = name.stringValue { types.insert(t) } } }
        if let values = value["enum"]?.arrayValue { enumValues = values.map(\.jsonString) }
        if let constant = value["const"] { enumValues = [constant.jsonString] }
        for member in value["properties"]?.objectValue?.members ?? [] where !properties.contains(where: { $0.name == member.key }) {
            properties.append((member.key, member.value, at + "/properties/" + JSONPointer.escape(member.key)))
        }
        for name in value["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            required.insert(name)
            requiredAt[name] = requiredAt[name] ?? at + "/required"
        }
        if items == nil, let item = value["items"], item.objectValue != nil { items = (item, at + "/items") }
        for keyword in ["anyOf", "oneOf"] {
            for (i, member) in (value[keyword]?.arrayValue ?? []).enumerated() {
                let memberAt = "\(at)/\(keyword)/\(i)"
                let (target, targetAt) = Self.resolve(member, memberAt, document)
                let eventType = Self.pinnedType(target, targetAt, document)
                var key = eventType ?? member["$ref"]?.stringValue ?? "\(keyword)[\(i)]"
                // Two variants may pin the same type (an input and an output `message`): the n-th with a key pairs with the n-th.
                let repeats = variants.filter { $0.key == key || $0.key.hasPrefix(key + " #") }.count
                if repeats > 0 { key += " #\(repeats + 1)" }
                variants.append((key, member, memberAt, eventType != nil))
            }
        }
        for (i, member) in (value["allOf"]?.arrayValue ?? []).enumerated() {
            let (target, targetAt) = Self.resolve(member, "\(at)/allOf/\(i)", document)
            absorb(target, targetAt, document, depth: depth + 1)
        }
    }

    /// The single value a variant's `type` property is pinned to (a stream event's type).
    private static func pinnedType(_ value: JSONValue, _ at: String, _ document: SpecDocument) -> String? {
        var candidates = [value]
        candidates += (value["allOf"]?.arrayValue ?? []).map { resolve($0, at, document).0 }
        for candidate in candidates {
            guard let type = candidate["properties"]?["type"] else { continue }
            let resolved = resolve(type, at, document).0
            if let constant = resolved["const"]?.stringValue { return constant }
            if let values = resolved["enum"]?.arrayValue, values.count == 1, let only = values[0].stringValue { return only }
        }
        return nil
    }

    /// Follows local `$ref`s (at most 32) to the schema they name.
    static func resolve(_ value: JSONValue, _ pointer: String, _ document: SpecDocument) -> (JSONValue, String) {
        var value = value
        var pointer = pointer
        for _ in 0..<32 {
            guard let ref = value["$ref"]?.stringValue, ref.hasPrefix("#"),
                  let target = JSONPointer.resolve(String(ref.dropFirst()), in: document.root) else { break }
            value = target
            pointer = String(ref.dropFirst())
        }
        return (value, pointer)
    }
}
