import UnderstudyContract
import Yams

/// A YAML node with the file it came from, so every typed read can fail with file:line:column.
struct YAMLDocument {
    let node: Node
    let file: String

    /// Parses `text` through libyaml (via Yams); syntax errors carry libyaml's position. Aliases
    /// are bounded first, as in specs: Yams shares an alias's subtree, but every read of the
    /// document walks each copy.
    static func parse(_ text: String, file: String) throws(FixtureError) -> YAMLDocument {
        do throws(SpecError) {
            try YAMLAliasBudget.check(Array(text.utf8), file: file)
        } catch {
            throw FixtureError(file: file, line: error.location.line, column: error.location.column, message: error.message)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw FixtureError(file: file, line: 1, column: 1, message: "the file is empty")
            }
            return YAMLDocument(node: node, file: file)
        } catch let error as FixtureError {
            throw error
        } catch let error as YamlError {
            throw Self.locate(error, file: file)
        } catch {
            throw FixtureError(file: file, line: 1, column: 1, message: "\(error)")
        }
    }

    private static func locate(_ error: YamlError, file: String) -> FixtureError {
        switch error {
        case .scanner(let context, let problem, let mark, let yaml),
             .parser(let context, let problem, let mark, let yaml),
             .composer(let context, let problem, let mark, let yaml):
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            func line(_ n: Int) -> String { n - 1 < lines.count ? String(lines[n - 1]).trimmingWhitespace() : "" }
            // At the end of the input libyaml's problem mark points past the text: where the
            // unfinished construct began (the context mark) is what a person needs.
            let at = line(mark.line).isEmpty ? (context?.mark ?? mark) : mark
            let offending = line(at.line)
            let contextText = context.map { "\($0.text), " } ?? ""
            return FixtureError(
                file: file, line: at.line, column: at.column,
                message: "YAML syntax error: \(contextText)\(problem): `\(offending)`"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return FixtureError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate keys: \(duplicates.sorted().joined(separator: ", "))"
            )
        default:
            return FixtureError(file: file, line: 1, column: 1, message: "\(error)")
        }
    }

    func child(_ node: Node) -> YAMLDocument { YAMLDocument(node: node, file: file) }

    func error(_ message: String) -> FixtureError {
        FixtureError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message)
    }

    /// The members of a mapping, in file order.
    func mapping(_ what: String) throws(FixtureError) -> [(key: String, value: YAMLDocument)] {
        guard let mapping = node.mapping else { throw error("\(what) must be a mapping") }
        return mapping.map { (key: $0.key.string ?? "", value: child($0.value)) }
    }

    func sequence(_ what: String) throws(FixtureError) -> [YAMLDocument] {
        guard let sequence = node.sequence else { throw error("\(what) must be a list") }
        return sequence.map { child($0) }
    }

    var isScalar: Bool { node.scalar != nil }

    /// A plain `null`, `~` or empty scalar: YAML's null.
    var isNull: Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["null", "Null", "NULL", "~", ""].contains(scalar.string)
    }

    func string(_ what: String) throws(FixtureError) -> String {
        guard let scalar = node.scalar else { throw error("\(what) must be a string") }
        return scalar.string
    }

    func int(_ what: String) throws(FixtureError) -> Int {
        guard node.scalar != nil, let value = node.int else { throw error("\(what) must be an integer") }
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
        guard node.scalar != nil, let value = node.float ?? node.int.map(Double.init) else {
            throw error("\(what) must be a number")
        }
        return value
    }

    func bool(_ what: String) throws(FixtureError) -> Bool {
        guard node.scalar != nil, let value = node.bool else { throw error("\(what) must be true or false") }
        return value
    }

    /// The node as JSON (scalars typed as YAML resolves them).
    func json() -> JSONValue {
        switch node {
        case .mapping(let mapping):
            return .object(JSONObject(mapping.map { (key: $0.key.string ?? "", value: child($0.value).json()) }))
        case .sequence(let sequence):
            return .array(sequence.map { child($0).json() })
        default:
            if isNull { return .null }
            if let scalar = node.scalar, scalar.style == .plain {
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .int(Int64(i)) }
                if let d = node.float { return .double(d) }
            }
            return .string(node.string ?? "")
        }
    }

    func strings(_ what: String) throws(FixtureError) -> [String] {
        if node.scalar != nil { return [try string(what)] }
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
