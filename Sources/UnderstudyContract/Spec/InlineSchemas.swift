import Synchronization

/// Schemas that arrive inside requests (structured-output formats, function parameters), compiled
/// once per distinct schema: clients send the same few schemas again and again.
///
/// A request's schema is untrusted: it may refer only inside itself, and it must stay within
/// `Limits` (size, nesting, patterns) before it is compiled at all.
public final class InlineSchemas: Sendable {
    public struct Compiled: Sendable {
        public var schema: Schema
        /// Errors found compiling it (an unresolved `$ref`, an unknown type, a limit passed…).
        public var problems: [String]
    }

    /// How large a schema from a request may be. OpenAI documents 5,000 properties and 10 levels
    /// of nesting for strict structured outputs (the structured-outputs guide, "Supported
    /// schemas"); these bounds leave room beyond that for non-strict schemas.
    public struct Limits: Sendable {
        /// JSON values in the schema (every keyword's value counts).
        public var values = 20_000
        /// Nesting of JSON containers in the schema.
        public var depth = 64

        public init() {}
    }

    private struct Cache {
        var compiled: [UInt64: Compiled] = [:]
        /// The JSON text of the schemas held: a compiled schema costs about 18 to 32 times its
        /// text resident (issue 21), so the text is what bounds the cache's memory.
        var textBytes = 0
    }

    private let cache = Mutex(Cache())
    private let limit: Int
    private let textByteLimit: Int
    public let limits: Limits

    /// - Parameters:
    ///   - limit, textByteLimit: schemas kept, and their JSON text (4 MiB: about 128 MiB
    ///     compiled at most); past either the cache is emptied.
    public init(limit: Int = 256, textByteLimit: Int = 4 << 20, limits: Limits = Limits()) {
        self.limit = limit
        self.textByteLimit = textByteLimit
        self.limits = limits
    }

    /// The JSON text of the schemas held now.
    public var textBytes: Int { cache.withLock { $0.textBytes } }

    public func compile(_ value: JSONValue) -> Compiled {
        let key = value.canonicalHash
        if let done = cache.withLock({ $0.compiled[key] }) { return done }
        let compiled: Compiled
        if let problem = Self.problem(in: value, limits) {
            compiled = Compiled(schema: Schema(location: "request-schema#"), problems: [problem])
        } else {
            let document = SpecDocument(file: "request-schema", root: value, sourceMap: SourceMap())
            let compiler = SchemaCompiler(documents: [document], references: .sameDocument)
            let schema = compiler.schema(file: document.file, pointer: "")
            compiled = Compiled(schema: schema, problems: compiler.errors.map(\.message))
        }
        let size = value.jsonBytes.count
        guard size <= textByteLimit / 4 else { return compiled }
        cache.withLock { cache in
            if cache.compiled.count >= limit || cache.textBytes + size > textByteLimit { cache = Cache() }
            if cache.compiled.updateValue(compiled, forKey: key) == nil { cache.textBytes += size }
        }
        return compiled
    }

    /// The first limit `schema` passes, in words; iterative, so nesting cannot exhaust the stack.
    static func problem(in schema: JSONValue, _ limits: Limits) -> String? {
        var pending: [(value: JSONValue, depth: Int, key: String?)] = [(schema, 1, nil)]
        var values = 0
        while let (value, depth, key) = pending.popLast() {
            values += 1
            if values > limits.values { return "the schema has more than \(limits.values) values (Understudy's limit)" }
            switch value {
            case .object(let object):
                if depth > limits.depth { return "the schema nests deeper than \(limits.depth) levels (Understudy's limit)" }
                for member in object.members {
                    if key == "patternProperties", let problem = Self.patternProblem(member.key) { return problem }
                    pending.append((member.value, depth + 1, member.key))
                }
            case .array(let elements):
                if depth > limits.depth { return "the schema nests deeper than \(limits.depth) levels (Understudy's limit)" }
                for element in elements { pending.append((element, depth + 1, nil)) }
            case .string(let text) where key == "pattern":
                if let problem = Self.patternProblem(text) { return problem }
            default:
                break
            }
        }
        return nil
    }

    /// Why a request's pattern is refused: compiling it is the check (syntax, backreferences and
    /// lookaround, the program-size cap), and it is cheap: linear in the pattern, capped.
    private static func patternProblem(_ source: String) -> String? {
        do {
            _ = try Pattern(source)
            return nil
        } catch {
            return "pattern '\(clip(source))' is refused: \(error.description)"
        }
    }

    private static func clip(_ text: String) -> String {
        text.unicodeScalars.count > 40 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "…" : text
    }
}
