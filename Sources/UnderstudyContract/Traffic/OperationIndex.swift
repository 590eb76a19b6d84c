/// The operations of a spec, found by method and URL path, with their schemas compiled.
/// A URL matches with any base path in front (`/v1`, `/api/v1`, a proxy's prefix). A `{param}`
/// is one segment, and the most specific template wins (a literal segment before a parameter):
/// `GET /responses/r1/input_items` is `/responses/{id}/input_items`, not `/responses/{id}` — tried
/// in document order with a final parameter taking the rest, 217 recorded Assistants exchanges
/// were validated as their parent resource (issue 20). Only when no template matches segment for
/// segment, and only for a resource with no sub-resources, does a final `{param}` take the rest of
/// the path (model ids contain slashes: `GET /models/openai/gpt-4o`); so
/// `POST /conversations/c/items/i` is no operation, not `POST /conversations/{id}`.
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
    /// Templates (by shape) that other templates extend: their final parameter never spans.
    private var parents: Set<[Substring]> = []

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
                let segments = cleanPath.split(separator: "/")
                for length in 1..<max(1, segments.count) { parents.insert(Self.shape(segments.prefix(length))) }
                if Dialect.isQueryVariant(pathKey: path.key) {
                    queryVariants.append((segments, operation))
                } else {
                    operations.append((segments, operation))
                }
            }
        }
    }

    public func find(method: String, path: String) -> Operation? {
        let segments = path.split(separator: "/")
        for spanning in [false, true] {
            for candidates in [operations, queryVariants] {
                // Try the path as it is, then without one, two… leading segments (the base path).
                for drop in 0..<max(1, segments.count) {
                    let rest = Array(segments.dropFirst(drop))
                    let found = candidates.filter {
                        $0.operation.method == method
                            && Self.matches($0.segments, rest, finalSpans: spanning && !parents.contains(Self.shape($0.segments)))
                    }
                    if let best = found.min(by: { Self.moreSpecific($0.segments, $1.segments) }) { return best.operation }
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
        segments.map { isParameter($0) ? "{}" : $0 }
    }

    /// Whether `template` matches `segments`, each `{param}` one segment; with `finalSpans`, a
    /// final `{param}` takes one segment or more.
    static func matches(_ template: [Substring], _ segments: [Substring], finalSpans: Bool = false) -> Bool {
        guard !template.isEmpty, segments.count >= template.count else { return false }
        for (i, part) in template.enumerated() where !isParameter(part) && part != segments[i] { return false }
        if segments.count == template.count { return true }
        return finalSpans && isParameter(template[template.count - 1])
    }

    /// At the first segment where two templates differ, a literal is more specific than a parameter.
    static func moreSpecific(_ a: [Substring], _ b: [Substring]) -> Bool {
        for (x, y) in zip(a, b) where isParameter(x) != isParameter(y) { return !isParameter(x) }
        return a.count > b.count
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") && segment.hasSuffix("}")
    }
}
