import UnderstudyContract

/// A YAML node with the file it came from, so every typed read can fail with file:line:column.
///
/// Plain scalars read as Yams read them before this reader replaced it (YAML 1.1's words and
/// numbers: `yes`/`on` are true, `0x1F` and `1_000` are integers), so fixture and scenario files
/// written for earlier versions mean what they meant.
struct YAMLDocument {
    let node: YAMLNode
    let file: String

    /// Composes `text` through libyaml; syntax errors carry libyaml's position, aliases are
    /// bounded as in specs.
    static func parse(_ text: String, file: String) throws(FixtureError) -> YAMLDocument {
        do throws(SpecError) {
            return YAMLDocument(node: try YAMLTree.parse(Array(text.utf8), file: file), file: file)
        } catch {
            throw FixtureError(file: file, line: error.location.line, column: error.location.column, message: error.message)
        }
    }

    func child(_ node: YAMLNode) -> YAMLDocument { YAMLDocument(node: node, file: file) }

    func error(_ message: String) -> FixtureError {
        FixtureError(file: file, line: node.mark.line, column: node.mark.column, message: message)
    }

    /// The members of a mapping, in file order.
    func mapping(_ what: String) throws(FixtureError) -> [(key: String, value: YAMLDocument)] {
        guard case .mapping(let members, _) = node else { throw error("\(what) must be a mapping") }
        return members.map { (key: $0.key, value: child($0.value)) }
    }

    func sequence(_ what: String) throws(FixtureError) -> [YAMLDocument] {
        guard case .sequence(let elements, _) = node else { throw error("\(what) must be a list") }
        return elements.map { child($0) }
    }

    var scalar: YAMLScalar? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar
    }

    var isScalar: Bool { scalar != nil }

    /// A plain `null`, `~` or empty scalar: YAML's null.
    var isNull: Bool {
        guard let scalar, scalar.isPlain else { return false }
        return ["null", "Null", "NULL", "~", ""].contains(scalar.string)
    }

    func string(_ what: String) throws(FixtureError) -> String {
        guard let scalar else { throw error("\(what) must be a string") }
        return scalar.string
    }

    func int(_ what: String) throws(FixtureError) -> Int {
        guard let value = scalar.flatMap(YAMLWords.int) else { throw error("\(what) must be an integer") }
        return value
    }

    /// An integer within `range`: numbers from files are checked where they are read, so none can
    /// overflow later arithmetic (milliseconds to nanoseconds, token sums) on the request path.
    func int(_ what: String, in range: ClosedRange<Int>) throws(FixtureError) -> Int {
        let value = try int(what)
        guard range.contains(value) else { throw error("\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(value)") }
        return value
    }

    func double(_ what: String) throws(FixtureError) -> Double {
        guard let scalar, let value = YAMLWords.double(scalar) ?? YAMLWords.int(scalar).map(Double.init) else {
            throw error("\(what) must be a number")
        }
        return value
    }

    func bool(_ what: String) throws(FixtureError) -> Bool {
        guard let value = scalar.flatMap(YAMLWords.bool) else { throw error("\(what) must be true or false") }
        return value
    }

    /// The node as JSON (scalars typed as YAML resolves them).
    func json() -> JSONValue {
        switch node {
        case .mapping(let members, _):
            return .object(JSONObject(members.map { (key: $0.key, value: child($0.value).json()) }))
        case .sequence(let elements, _):
            return .array(elements.map { child($0).json() })
        case .scalar(let scalar):
            if isNull { return .null }
            if scalar.isPlain {
                if let b = YAMLWords.bool(scalar) { return .bool(b) }
                if let i = YAMLWords.int(scalar) { return .int(Int64(i)) }
                if let d = YAMLWords.double(scalar) { return .double(d) }
            }
            return .string(scalar.string)
        }
    }

    func strings(_ what: String) throws(FixtureError) -> [String] {
        if isScalar { return [try string(what)] }
        var result: [String] = []
        for item in try sequence(what) { result.append(try item.string("each of \(what)")) }
        return result
    }
}

/// Reads the keys of one mapping, rejecting unknown ones so that a typo in a fixture is an error
/// at its line rather than a silently ignored setting.
struct YAMLFields {
    private let fields: [(key: String, value: YAMLDocument)]
    private let owner: YAMLDocument
    private var used: [String] = []

    init(_ document: YAMLDocument, what: String) throws(FixtureError) {
        fields = try document.mapping(what)
        owner = document
    }

    /// The value of `key`; a YAML null counts as absent.
    mutating func optional(_ key: String) -> YAMLDocument? {
        if !used.contains(key) { used.append(key) }
        guard let value = fields.last(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    /// Whether `key` is there (and not null), without reading it.
    func has(_ key: String) -> Bool {
        fields.last(where: { $0.key == key }).map { !$0.value.isNull } ?? false
    }

    mutating func required(_ key: String) throws(FixtureError) -> YAMLDocument {
        guard let value = optional(key) else { throw owner.error("missing required key '\(key)'") }
        return value
    }

    /// Call after reading every known key: any other key is an error naming the known ones.
    func rejectUnknown() throws(FixtureError) {
        for field in fields where !used.contains(field.key) {
            throw field.value.error("unknown key '\(field.key)' (known keys: \(used.joined(separator: ", ")))")
        }
    }
}
