/// `understudy spec diff OLD NEW`: what changed for a client of the chosen operations (by default
/// every chat-completions and responses operation), and which recordings NEW breaks.
public struct SpecDiff: Sendable {
    /// A recording that passes under OLD and fails under NEW.
    public struct BrokenRecording: Sendable {
        public var exchange: String
        public var operation: String
        public var findings: [String]
    }

    public var changes: [SpecChange] = []
    public var brokenRecordings: [BrokenRecording] = []
    public var breaking: Bool { changes.contains(where: \.breaking) || !brokenRecordings.isEmpty }

    /// `operations`: `POST /chat/completions`-style names; empty for every chat and responses operation.
    public init(old: SpecDocument, new: SpecDocument, operations: [String] = []) {
        let was = Self.operations(old), now = Self.operations(new)
        let wanted = operations.map(Self.normalised)
        func chosen(_ key: String) -> Bool {
            wanted.isEmpty ? key.split(separator: " ").last.map { $0.hasPrefix("/chat/completions") || $0.hasPrefix("/responses") } ?? false
                : wanted.contains(key)
        }
        for (key, at) in was where chosen(key) && now[key] == nil {
            changes.append(SpecChange(operation: key, place: "", instancePath: "", kind: .endpointRemoved, detail: "", pointer: "#" + at, breaking: true))
        }
        for (key, at) in now where chosen(key) && was[key] == nil {
            changes.append(SpecChange(operation: key, place: "", instancePath: "", kind: .endpointAdded, detail: "", pointer: "#" + at, breaking: false))
        }
        for (key, oldAt) in was where chosen(key) {
            guard let newAt = now[key], let a = JSONPointer.resolve(oldAt, in: old.root), let b = JSONPointer.resolve(newAt, in: new.root) else { continue }
            changes += Self.compare(operation: key, (a, oldAt), (b, newAt), old, new)
        }
        changes.sort { ($0.operation, $0.place, $0.instancePath, $0.kind.rawValue, $0.detail) < ($1.operation, $1.place, $1.instancePath, $1.kind.rawValue, $1.detail) }
    }

    /// Validates `files` under both documents; keeps those that pass under OLD and fail under NEW.
    public mutating func checkTraffic(files: [String], old: ExchangeValidator, new: ExchangeValidator) throws(ExchangeReader.ReadError) {
        // Both read the same files in the same order: the n-th result is the same exchange.
        var passedUnderOld: [Bool] = []
        try old.validate(files: files) { passedUnderOld.append($0.passed) }
        var n = 0
        try new.validate(files: files) { result in
            defer { n += 1 }
            guard n < passedUnderOld.count, passedUnderOld[n], !result.passed else { return }
            brokenRecordings.append(BrokenRecording(exchange: result.exchange, operation: result.operation ?? "\(result.method) \(result.path)",
                                                    findings: result.findings))
        }
    }

    /// Request and response schemas of one operation in both documents.
    private static func compare(operation: String, _ a: (JSONValue, String), _ b: (JSONValue, String),
                                _ old: SpecDocument, _ new: SpecDocument) -> [SpecChange] {
        var changes: [SpecChange] = []
        func schemas(_ owner: JSONValue?, _ at: String, _ document: SpecDocument) -> [(media: String, value: JSONValue, pointer: String)] {
            guard let owner else { return [] }
            let (resolved, resolvedAt) = SchemaFacts.resolve(owner, at, document)
            return (resolved["content"]?.objectValue?.members ?? []).compactMap { member in
                member.value["schema"].map { (member.key, $0, "\(resolvedAt)/content/\(JSONPointer.escape(member.key))/schema") }
            }
        }
        func diff(_ place: String, _ position: SchemaDiff.Position, _ x: [(media: String, value: JSONValue, pointer: String)],
                  _ y: [(media: String, value: JSONValue, pointer: String)]) {
            for one in x {
                guard let other = y.first(where: { $0.media == one.media }) else { continue }
                var differ = SchemaDiff(old: old, new: new, operation: operation, place: position == .request ? place : "\(place) \(one.media)",
                                        position: position)
                differ.compare((one.value, one.pointer), (other.value, other.pointer), path: "")
                changes += differ.changes
            }
        }
        diff("request", .request, schemas(a.0["requestBody"], a.1 + "/requestBody", old), schemas(b.0["requestBody"], b.1 + "/requestBody", new))
        for status in a.0["responses"]?.objectValue?.members ?? [] {
            let escaped = JSONPointer.escape(status.key)
            diff("response \(status.key)", .response, schemas(status.value, "\(a.1)/responses/\(escaped)", old),
                 schemas(b.0["responses"]?[status.key], "\(b.1)/responses/\(escaped)", new))
        }
        return changes
    }

    /// `METHOD /template` (parameters written `{}`, query variants left out) → the operation's pointer.
    static func operations(_ document: SpecDocument) -> [String: String] {
        var found: [String: String] = [:]
        for path in document.root["paths"]?.objectValue?.members ?? [] where !Dialect.isQueryVariant(pathKey: path.key) {
            for method in path.value.objectValue?.members ?? [] where SpecLinter.httpMethods.contains(method.key) {
                found[normalised("\(method.key) \(path.key)")] = "/paths/\(JSONPointer.escape(path.key))/\(method.key)"
            }
        }
        return found
    }

    /// `post /v1/chat/completions/{id}` → `POST /chat/completions/{}`: base path `/v1` and parameter names set aside.
    static func normalised(_ name: String) -> String {
        let parts = name.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return name }
        var segments = parts[1].split(separator: "/").map { $0.hasPrefix("{") ? "{}" : String($0) }
        if segments.first == "v1" { segments.removeFirst() }
        return parts[0].uppercased() + " /" + segments.joined(separator: "/")
    }
}
