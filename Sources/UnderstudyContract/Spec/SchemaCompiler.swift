/// Compiles schemas from loaded spec documents. Each location is compiled once, so a schema
/// referenced from a hundred places is one object, and cycles close on themselves.
///
/// `$ref` resolves local pointers (`#/components/schemas/X`) and relative files
/// (`common.yaml#/X`), loading those on first use, as far as its `ReferencePolicy` allows: a schema
/// that came in a request refers only inside itself; a spec from disk only to files in its own
/// folder. A cycle of references that never descends into the instance (`{"$ref": "#"}`,
/// `allOf: [$ref A]` with A ↔ B) is an error: validating against it could never end. `$recursiveRef: "#"` and `$dynamicRef` resolve
/// to the nearest enclosing schema with `$recursiveAnchor: true` (or the matching
/// `$dynamicAnchor`): OpenAPI components are not separate schema resources, so this is what the
/// official document means by them.
public final class SchemaCompiler {
    public internal(set) var documents: [String: SpecDocument] = [:]
    public internal(set) var problems: [SpecProblem] = []
    var compiled: [LocationKey: Schema] = [:]
    let graph = SchemaGraph()
    /// Schemas compiled as another's subschema (property, item, allOf member…), by identity.
    var subschemas: Set<ObjectIdentifier> = []
    var anchorStack: [Schema] = []
    /// Large objects (like `components/schemas`) indexed by key, so resolving a `$ref` into them
    /// is not a linear scan: `file#pointer` → member → value.
    var largeObjects: [String: [String: JSONValue]] = [:]
    let references: ReferencePolicy
    /// Nesting of `compile` calls; the cycle check runs when the outermost one returns.
    var nesting = 0
    var uncheckedForCycles: [Schema] = []
    /// Schemas already known to lead into no cycle.
    var acyclic: Set<ObjectIdentifier> = []

    /// Where a `$ref` may lead.
    public enum ReferencePolicy: Sendable {
        /// Only into the same document (`#/…`): schemas that arrive in requests.
        case sameDocument
        /// Relative files under the folder of the first document, never absolute paths, `..`
        /// out of it, devices or `/proc` (the default for specs from disk).
        case specFolder
        /// Any readable file: only by a caller's explicit choice.
        case anyFile
    }

    public init(documents: [SpecDocument] = [], references: ReferencePolicy = .specFolder) {
        for document in documents { self.documents[document.file] = document }
        self.references = references
        root = documents.first.map { Self.directory(of: $0.file) } ?? ""
    }

    /// The folder the first document lives in (`specFolder` keeps references under it).
    let root: String

    public var errors: [SpecProblem] { problems.filter { $0.severity == .error } }

    /// The schema at `pointer` in `file` (which must be loaded or loadable). It keeps alive every
    /// schema its references reach; schemas from one compiler refer to each other only weakly, so
    /// keep each one you use (not a subschema of it alone).
    public func schema(file: String, pointer: String) -> Schema {
        let key = "\(file)#\(pointer)"
        let schema: Schema
        if let done = compiled[LocationKey(key)] {
            schema = done
        } else if let value = value(at: pointer, in: file, usedAt: nil) {
            schema = compile(value, file: file, pointer: pointer)
        } else {
            problem(.error, "no schema at \(key)", at: SourceLocation(file: file, line: 1, column: 1))
            return Schema(location: key)
        }
        graph.handOut(schema, isSubschema: subschemas.contains(ObjectIdentifier(schema)))
        return schema
    }

    /// Compiles every schema under `components/schemas` of a document; returns how many.
    @discardableResult
    public func compileComponents(of file: String) -> Int {
        guard let schemas = documents[file]?.root["components"]?["schemas"]?.objectValue else { return 0 }
        for member in schemas.members {
            _ = compile(member.value, file: file, pointer: "/components/schemas/" + JSONPointer.escape(member.key))
        }
        return schemas.count
    }

    // MARK: Compilation

    func compile(_ value: JSONValue, file: String, pointer: String) -> Schema {
        let key = LocationKey("\(file)#\(pointer)")
        if let done = compiled[key] { return done }
        let schema = Schema(location: key.text)
        compiled[key] = schema
        graph.add(schema)
        uncheckedForCycles.append(schema)
        nesting += 1
        defer {
            nesting -= 1
            if nesting == 0 { checkCycles() }
        }
        switch value {
        case .bool(let b):
            schema.rejectsEverything = !b
            return schema
        case .object(let object):
            let isAnchor = object["$recursiveAnchor"] == .bool(true) || object["$dynamicAnchor"] != nil
            if isAnchor { anchorStack.append(schema) }
            fill(schema, from: object, file: file, pointer: pointer)
            if isAnchor { anchorStack.removeLast() }
        default:
            problem(.error, "a schema must be an object or a boolean, not \(value.typeDescription)", at: location(file, pointer))
        }
        return schema
    }

    private func fill(_ s: Schema, from object: JSONObject, file: String, pointer: String) {
        func sub(_ key: String) -> String { pointer + "/" + JSONPointer.escape(key) }
        func child(_ value: JSONValue, _ path: String) -> Schema {
            let schema = compile(value, file: file, pointer: path)
            subschemas.insert(ObjectIdentifier(schema))
            return schema
        }
        func list(_ key: String, _ value: JSONValue) -> [Schema] {
            guard let items = value.arrayValue else {
                problem(.error, "'\(key)' must be a list of schemas", at: location(file, sub(key)))
                return []
            }
            return items.enumerated().map { child($1, sub(key) + "/\($0)") }
        }
        func count(_ key: String, _ value: JSONValue) -> Int? {
            guard let n = value.integerValue, n >= 0 else {
                problem(.error, "'\(key)' must be a non-negative integer", at: location(file, sub(key)))
                return nil
            }
            return Int(n)
        }
        var nullable = false
        var exclusiveMinimumFlag = false
        var exclusiveMaximumFlag = false
        for (key, value) in object.members {
            switch key {
            case "type":
                var types: Schema.TypeSet = []
                for name in value.arrayValue ?? [value] {
                    guard let t = Schema.TypeSet.names.first(where: { $0.1 == name.stringValue })?.0 else {
                        problem(.error, "unknown type \(FieldText.show(name))", at: location(file, sub(key)))
                        continue
                    }
                    types.insert(t)
                }
                s.types = (s.types ?? []).union(types)
            case "nullable":
                nullable = value == .bool(true)
            case "enum":
                s.enumValues = value.arrayValue
            case "const":
                s.constValue = value
            case "required":
                s.required = value.arrayValue?.compactMap(\.stringValue) ?? []
            case "properties":
                s.properties = (value.objectValue?.members ?? []).map { ($0.key, child($0.value, sub(key) + "/" + JSONPointer.escape($0.key))) }
            case "additionalProperties":
                switch value {
                case .bool(true): s.additionalProperties = .allowed
                case .bool(false): s.additionalProperties = .forbidden
                default: s.additionalProperties = .schema(child(value, sub(key)))
                }
            case "patternProperties":
                for member in value.objectValue?.members ?? [] {
                    guard let pattern = compilePattern(member.key, at: location(file, sub(key))) else { continue }
                    s.patternProperties.append((pattern, child(member.value, sub(key) + "/" + JSONPointer.escape(member.key))))
                }
            case "propertyNames": s.propertyNames = child(value, sub(key))
            case "minProperties": s.minProperties = count(key, value)
            case "maxProperties": s.maxProperties = count(key, value)
            case "items":
                if value.arrayValue != nil {
                    s.prefixItems = list(key, value)  // draft-04 tuple form
                } else {
                    s.items = child(value, sub(key))
                }
            case "prefixItems": s.prefixItems = list(key, value)
            case "minItems": s.minItems = count(key, value)
            case "maxItems": s.maxItems = count(key, value)
            case "uniqueItems": s.uniqueItems = value == .bool(true)
            case "minimum": s.minimum = value.doubleValue.map { Schema.Bound(value: $0, exclusive: false) }
            case "maximum": s.maximum = value.doubleValue.map { Schema.Bound(value: $0, exclusive: false) }
            case "exclusiveMinimum":
                if let d = value.doubleValue { s.minimum = Schema.Bound(value: d, exclusive: true) } else { exclusiveMinimumFlag = value == .bool(true) }
            case "exclusiveMaximum":
                if let d = value.doubleValue { s.maximum = Schema.Bound(value: d, exclusive: true) } else { exclusiveMaximumFlag = value == .bool(true) }
            case "multipleOf": s.multipleOf = value.doubleValue
            case "minLength": s.minLength = count(key, value)
            case "maxLength": s.maxLength = count(key, value)
            case "pattern":
                if let source = value.stringValue { s.pattern = compilePattern(source, at: location(file, sub(key))) }
            case "format":
                if let name = value.stringValue { s.format = Schema.Format(rawValue: name) }
            case "allOf": s.allOf = list(key, value)
            case "anyOf": s.anyOf = list(key, value)
            case "oneOf": s.oneOf = list(key, value)
            case "not": s.not = child(value, sub(key))
            case "discriminator":
                guard let d = value.objectValue, let name = d["propertyName"]?.stringValue else {
                    problem(.error, "discriminator needs a propertyName", at: location(file, sub(key)))
                    continue
                }
                var targets: [(String, WeakSchema)] = []
                for member in d["mapping"]?.objectValue?.members ?? [] {
                    if let ref = member.value.stringValue, let target = resolve(ref, from: file, usedAt: sub(key) + "/mapping") {
                        targets.append((member.key, WeakSchema(schema: target)))
                    }
                }
                s.discriminator = Schema.Discriminator(propertyName: name, targets: targets)
            case "$ref":
                if let ref = value.stringValue { s.reference = resolve(ref, from: file, usedAt: sub(key)) }
            case "$recursiveRef", "$dynamicRef":
                s.reference = anchorStack.last ?? s
            case _ where Dialect.annotations.contains(key) || Dialect.isExtension(key):
                break
            case "if", "then", "else", "contains", "minContains", "maxContains", "dependentRequired",
                 "dependentSchemas", "unevaluatedProperties", "unevaluatedItems":
                problem(.warning, "keyword '\(key)' is not checked by this validator", at: location(file, sub(key)))
            default:
                problem(.warning, "unknown keyword '\(key)' (ignored)", at: location(file, sub(key)))
            }
        }
        if nullable { Dialect.makeNullable(s) }
        // OpenAPI 3.0's boolean exclusiveMinimum/Maximum modify minimum/maximum (Dialect.rules).
        if exclusiveMinimumFlag { s.minimum?.exclusive = true }
        if exclusiveMaximumFlag { s.maximum?.exclusive = true }
    }

    /// `location` is worked out only for a warning (like every location: it walks the document).
    func compilePattern(_ source: String, at location: @autoclosure () -> SourceLocation) -> Pattern? {
        do {
            return try Pattern(source)
        } catch {
            problem(.warning, "pattern '\(source)' cannot be compiled here and is not checked: \(error)", at: location())
            return nil
        }
    }

    func location(_ file: String, _ pointer: String) -> SourceLocation {
        documents[file]?.location(of: pointer) ?? SourceLocation(file: file, line: 1, column: 1)
    }

    func problem(_ severity: SpecProblem.Severity, _ message: String, at location: SourceLocation) {
        problems.append(SpecProblem(severity: severity, location: location, message: message))
    }
}

/// A compiled schema's `file#pointer`, hashed once: the table of compiled schemas grows to
/// thousands, and each time it grows it rehashes every key (long strings, otherwise: about 4% of
/// linting the official document).
struct LocationKey: Hashable {
    let text: String
    let hash: Int

    init(_ text: String) {
        self.text = text
        hash = text.hashValue
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    static func == (a: LocationKey, b: LocationKey) -> Bool { a.hash == b.hash && a.text == b.text }
}

/// Short renderings of JSON values for messages.
enum FieldText {
    static func show(_ value: JSONValue, limit: Int = 60) -> String {
        let text = String(decoding: value.jsonBytes, as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
