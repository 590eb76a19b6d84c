import Synchronization

/// Schemas that arrive inside requests (structured-output formats, function parameters), compiled
/// once per distinct schema: clients send the same few schemas again and again.
public final class InlineSchemas: Sendable {
    public struct Compiled: Sendable {
        public var schema: Schema
        /// Errors found compiling it (an unresolved `$ref`, an unknown type…).
        public var problems: [String]
    }

    private let cache = Mutex<[UInt64: Compiled]>([:])
    private let limit: Int

    public init(limit: Int = 256) {
        self.limit = limit
    }

    public func compile(_ value: JSONValue) -> Compiled {
        let key = value.canonicalHash
        if let done = cache.withLock({ $0[key] }) { return done }
        let document = SpecDocument(file: "request-schema", root: value, sourceMap: SourceMap())
        let compiler = SchemaCompiler(documents: [document])
        let schema = compiler.schema(file: document.file, pointer: "")
        let compiled = Compiled(schema: schema, problems: compiler.errors.map(\.message))
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[key] = compiled
        }
        return compiled
    }
}
