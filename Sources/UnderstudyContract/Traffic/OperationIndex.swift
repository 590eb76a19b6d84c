/// The operations of a spec, found by method and URL path, with their schemas compiled.
/// A URL matches with any base path in front (`/v1`, `/api/v1`, a proxy's prefix), and a final
/// `{param}` takes the rest of the path (model ids contain slashes: `openai/gpt-4o`).
public final class OperationIndex: @unchecked Sendable {
    public struct Operation: Sendable {
        public var id: String
        public var method: String
        public var path: String
        public var request: Schema?
        /// By status key (`200`, `4XX`, `default`), each media type's schema.
        public var responses: [(status: String, media: [(type: String, schema: Schema)])]

        /// The schemas for a status: exact, then `NXX`, then `default`.
        public func responseMedia(status: Int) -> [(type: String, schema: Schema)]? {
            let keys = [String(status), "\(status / 100)XX", "\(status / 100)xx", "default"]
            for key in keys { if let found = responses.first(where: { $0.status == key }) { return found.media } }
            return nil
        }
    }

    private var operations: [(segments: [Substring], operation: Operation)] = []
    /// Operations keyed with a query (`/responses?beta=true`), tried only after the plain ones.
    private var queryVariants: [(segments: [Substring], operation: Operation)] = []

    public init(document: SpecDocument, compiler: SchemaCompiler) {
        for path in document.root["paths"]?.objectValue?.members ?? [] {
            let cleanPath = path.key.split(separator: "?").first.map(String.init) ?? path.key
            for method in path.value.objectValue?.members ?? [] where SpecLinter.httpMethods.contains(method.key) {
                let base = "/paths/\(JSONPointer.escape(path.key))/\(method.key)"
                func media(_ owner: JSONValue?, _ at: String) -> [(type: String, schema: Schema)] {
                    var owner = owner
                    var at = at
                    if let ref = owner?["$ref"]?.stringValue, ref.hasPrefix("#") {
                        at = String(ref.dropFirst())
                        owner = JSONPointer.resolve(at, in: document.root)
                    }
                    return (owner?["content"]?.objectValue?.members ?? []).filter { $0.value["schema"] != nil }.map {
                        ($0.key.lowercased(), compiler.schema(file: document.file, pointer: "\(at)/content/\(JSONPointer.escape($0.key))/schema"))
                    }
                }
                let request = media(method.value["requestBody"], base + "/requestBody").first { $0.type.contains("json") }?.schema
                let responses = (method.value["responses"]?.objectValue?.members ?? []).map {
                    (status: $0.key, media: media($0.value, "\(base)/responses/\(JSONPointer.escape($0.key))"))
                }
                let operation = Operation(id: method.value["operationId"]?.stringValue ?? "\(method.key.uppercased()) \(cleanPath)",
                                          method: method.key.uppercased(), path: cleanPath, request: request, responses: responses)
                if Dialect.isQueryVariant(pathKey: path.key) {
                    queryVariants.append((cleanPath.split(separator: "/"), operation))
                } else {
                    operations.append((cleanPath.split(separator: "/"), operation))
                }
            }
        }
    }

    public func find(method: String, path: String) -> Operation? {
        let segments = path.split(separator: "/")
        // Try the path as it is, then without one, two… leading segments (the base path).
        for candidates in [operations, queryVariants] {
            for drop in 0..<max(1, segments.count) {
                let rest = Array(segments.dropFirst(drop))
                for (template, operation) in candidates where operation.method == method && Self.matches(template, rest) {
                    return operation
                }
            }
        }
        return nil
    }

    /// The operation for a path template (`/responses/{response_id}`), under any base path the
    /// document writes (`/v1/responses/{id}` matches); parameter names need not agree.
    public func find(method: String, template: String) -> Operation? {
        let wanted = Self.shape(template.split(separator: "/"))
        let longest = (operations + queryVariants).map(\.segments.count).max() ?? 0
        // The shortest base path wins: `/models` before `/organization/projects/{id}/models`.
        for base in 0...max(0, longest - wanted.count) {
            for candidates in [operations, queryVariants] {
                for (segments, operation) in candidates where operation.method == method && segments.count == wanted.count + base {
                    let prefix = segments.prefix(base)
                    if !prefix.contains(where: { $0.hasPrefix("{") }) && Self.shape(segments.suffix(wanted.count)) == wanted {
                        return operation
                    }
                }
            }
        }
        return nil
    }

    /// Segments with every `{parameter}` written alike.
    private static func shape(_ segments: some Collection<Substring>) -> [Substring] {
        segments.map { $0.hasPrefix("{") && $0.hasSuffix("}") ? "{}" : $0 }
    }

    static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        guard !template.isEmpty, segments.count >= template.count else { return false }
        for (i, part) in template.enumerated() {
            let isParameter = part.hasPrefix("{") && part.hasSuffix("}")
            if isParameter && i == template.count - 1 { return true }
            if !isParameter && part != segments[i] { return false }
        }
        return segments.count == template.count
    }
}
