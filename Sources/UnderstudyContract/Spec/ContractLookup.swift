/// Finds the contract's schemas by operation, noting each one the document lacks.
struct ContractLookup {
    let index: OperationIndex
    private(set) var missing: [String] = []

    init(index: OperationIndex) {
        self.index = index
    }

    func has(_ method: String, _ template: String) -> Bool {
        index.find(method: method, template: template) != nil
    }

    /// The JSON request body's schema.
    mutating func request(_ method: String, _ template: String) -> Schema? {
        guard let operation = operation(method, template) else { return nil }
        if let schema = operation.request { return Self.target(of: schema) }
        missing.append("request body for \(method) \(template)")
        return nil
    }

    /// The 200 answer's schema in `media` (any JSON type for `application/json`).
    mutating func body(_ method: String, _ template: String, media: String = "application/json") -> Schema? {
        guard let operation = operation(method, template) else { return nil }
        let declared = operation.responseMedia(status: 200) ?? []
        let found = declared.first { $0.type == media } ?? (media == "application/json" ? declared.first { $0.type.contains("json") } : nil)
        if let found { return Self.target(of: found.schema) }
        missing.append("\(method) \(template) 200 \(media)")
        return nil
    }

    /// The first JSON body declared for an error status (`4XX`, `429`, `default`…) by these operations.
    mutating func errorBody(among operations: [(String, String)]) -> Schema? {
        for (method, template) in operations {
            guard let operation = index.find(method: method, template: template) else { continue }
            for (status, media) in operation.responses where Self.isError(status) {
                if let json = media.first(where: { $0.type.contains("json") }) { return Self.target(of: json.schema) }
            }
        }
        missing.append("error response schema")
        return nil
    }

    /// The schema a bare `{$ref: …}` names (what a media type's schema usually is), so users such as
    /// the case generator see the request's own properties and `required`.
    static func target(of schema: Schema) -> Schema {
        let start = schema
        var schema = schema
        while let next = schema.reference, schema.isBareReference { schema = next }
        // References are weak (SchemaGraph): the target handed out in place of `start` must hold
        // the graph that keeps what it refers to alive, as `start` did.
        if schema.graph == nil { schema.graph = start.graph }
        return schema
    }

    private static func isError(_ status: String) -> Bool {
        status == "default" || status.hasPrefix("4") || status.hasPrefix("5")
    }

    /// The operation, or nil — noting it once per operation.
    private mutating func operation(_ method: String, _ template: String) -> OperationIndex.Operation? {
        if let found = index.find(method: method, template: template) { return found }
        let name = "\(method) \(template)"
        if !missing.contains(name) { missing.append(name) }
        return nil
    }
}

extension Schema {
    /// Only a `$ref`: no keyword of its own constrains the instance.
    var isBareReference: Bool {
        guard case .allowed = additionalProperties, !uniqueItems else { return false }
        return reference != nil && types == nil && enumValues == nil && constValue == nil && !acceptsNull && !rejectsEverything
            && properties.isEmpty && required.isEmpty && patternProperties.isEmpty && propertyNames == nil && items == nil
            && prefixItems.isEmpty && allOf.isEmpty && anyOf.isEmpty && oneOf.isEmpty && not == nil && discriminator == nil
            && minimum == nil && maximum == nil && minLength == nil && maxLength == nil && pattern == nil && format == nil
            && minItems == nil && maxItems == nil && minProperties == nil && maxProperties == nil && multipleOf == nil
    }
}
