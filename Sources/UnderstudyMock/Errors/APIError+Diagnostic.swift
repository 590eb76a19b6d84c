import UnderstudyContract

extension APIError {
    /// The error the live API answers for a request finding: `param` names the field the way the
    /// API does (`messages[0].content`) and the message says what was expected.
    public static func from(_ d: Diagnostic, in body: JSONValue) -> APIError {
        var error = worded(d, in: body)
        error.finding = "request: \(d)"
        return error
    }

    private static func worded(_ d: Diagnostic, in body: JSONValue) -> APIError {
        let param = JSONPointer.parameterName(d.instancePath)
        let value = JSONPointer.resolve(d.instancePath, in: body) ?? .null
        switch (d.keyword, d.expected) {
        case ("required", .property(let name)?):
            let full = param.isEmpty ? name : "\(param).\(name)"
            return full == "model" ? .missingModel() : .missingParameter(full)
        case ("additionalProperties", .property(let name)?):
            if d.instancePath == "/" + JSONPointer.escape(name) {
                return .invalidRequest("Unrecognized request argument supplied: \(name)", param: name, code: "unknown_parameter")
            }
            return .invalidRequest("Unknown parameter: '\(param)'.", param: param, code: "unknown_parameter")
        case ("type", .types(let types)?):
            if d.instancePath.isEmpty {
                return .invalidRequest("The request body must be a JSON object, but got \(value.typeDescription).", code: "invalid_type")
            }
            return .invalidType(param, expected: phrase(types), got: value)
        case ("enum", .values(let values)?), ("const", .values(let values)?):
            return .invalidValue(param, display(value), supported: values.map(display))
        case ("minimum", .bound(let limit, let integer)?), ("exclusiveMinimum", .bound(let limit, let integer)?),
             ("maximum", .bound(let limit, let integer)?), ("exclusiveMaximum", .bound(let limit, let integer)?):
            return .outOfRange(param, isInteger: integer, above: d.keyword.hasSuffix("aximum"),
                               limit: JSONValue.double(limit).jsonString, got: value.jsonString)
        case ("minItems", .count(let n)?), ("maxItems", .count(let n)?):
            let count = value.arrayValue?.count ?? 0
            return .arrayLength(param, count: count, minimum: d.keyword == "minItems" ? n : nil, maximum: d.keyword == "maxItems" ? n : nil)
        case ("minLength", _) where d.instancePath == "/model":
            return .missingModel()
        default:
            return .invalidRequest("Invalid '\(param.isEmpty ? "body" : param)': \(d.message).", param: param.isEmpty ? nil : param,
                                   code: "invalid_value")
        }
    }

    /// "an integer", "one of a string or an array": types as the API's messages name them.
    static func phrase(_ types: Schema.TypeSet) -> String {
        var names: [String] = []
        if types.contains(.string) { names.append("a string") }
        if types.contains(.number) { names.append("a number") } else if types.contains(.integer) { names.append("an integer") }
        if types.contains(.boolean) { names.append("a boolean") }
        if types.contains(.array) { names.append("an array") }
        if types.contains(.object) { names.append("an object") }
        if names.isEmpty { return "null" }
        return names.count == 1 ? names[0] : "one of " + names.joined(separator: " or ")
    }

    static func display(_ value: JSONValue) -> String {
        value.stringValue ?? value.jsonString
    }
}
