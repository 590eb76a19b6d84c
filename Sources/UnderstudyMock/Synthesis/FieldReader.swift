import UnderstudyContract

/// Typed reads of one JSON object's members, each failing with the OpenAI error a client would
/// get for that field: `param` is the dotted/indexed path the real API uses (`messages[0].content`).
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    func param(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A member, treating an explicit `null` as absent (the API does the same for optional fields).
    func value(_ key: String) -> JSONValue? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.stringValue else { throw .invalidType(param(key), expected: "a string", got: v) }
        return s
    }

    func requiredString(_ key: String) throws(APIError) -> String {
        guard let s = try string(key) else { throw .missingParameter(param(key)) }
        return s
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.boolValue else { throw .invalidType(param(key), expected: "a boolean", got: v) }
        return b
    }

    func integer(_ key: String, min: Int64? = nil, max: Int64? = nil) throws(APIError) -> Int64? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw .invalidType(param(key), expected: "an integer", got: v) }
        guard d.rounded() == d else { throw .invalidType(param(key), expected: "an integer", got: .double(d)) }
        let shown = v.jsonString
        if let max, d > Double(max) {
            throw .outOfRange(param(key), isInteger: true, above: true, limit: "\(max)", got: shown)
        }
        if let min, d < Double(min) {
            throw .outOfRange(param(key), isInteger: true, above: false, limit: "\(min)", got: shown)
        }
        guard let i = v.integerValue else {
            throw .outOfRange(param(key), isInteger: true, above: d > 0, limit: d > 0 ? "\(Int64.max)" : "\(Int64.min)", got: shown)
        }
        return i
    }

    func number(_ key: String, min: Double? = nil, max: Double? = nil) throws(APIError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw .invalidType(param(key), expected: "a number", got: v) }
        if let max, d > max {
            throw .outOfRange(param(key), isInteger: false, above: true, limit: JSONValue.double(max).jsonString, got: v.jsonString)
        }
        if let min, d < min {
            throw .outOfRange(param(key), isInteger: false, above: false, limit: JSONValue.double(min).jsonString, got: v.jsonString)
        }
        return d
    }

    func object(_ key: String) throws(APIError) -> FieldReader? {
        guard let v = value(key) else { return nil }
        guard let o = v.objectValue else { throw .invalidType(param(key), expected: "an object", got: v) }
        return FieldReader(o, path: param(key))
    }

    func array(_ key: String, minCount: Int? = nil, maxCount: Int? = nil) throws(APIError) -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        guard let a = v.arrayValue else { throw .invalidType(param(key), expected: "an array", got: v) }
        if let minCount, a.count < minCount { throw .arrayLength(param(key), count: a.count, minimum: minCount, maximum: maxCount) }
        if let maxCount, a.count > maxCount { throw .arrayLength(param(key), count: a.count, minimum: minCount, maximum: maxCount) }
        return a
    }

    func oneOf(_ key: String, _ allowed: [String]) throws(APIError) -> String? {
        guard let s = try string(key) else { return nil }
        guard allowed.contains(s) else { throw .invalidValue(param(key), s, supported: allowed) }
        return s
    }
}
