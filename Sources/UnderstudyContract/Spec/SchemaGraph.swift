/// Owns the schemas one `SchemaCompiler` builds. Schemas hold their subschemas (properties, items,
/// allOf…) strongly, which can never loop: a subschema sits at a longer pointer than its parent.
/// `$ref`s and discriminator mappings may loop (a recursive schema refers to itself), so they are
/// weak, and their targets live here. Each schema handed out by `SchemaCompiler.schema` holds the
/// graph; the graph does not hold those that no other schema contains, so nothing loops back to
/// them and the whole graph is freed with the last one (issue 14: compiled request schemas leaked).
final class SchemaGraph: @unchecked Sendable {
    private var schemas: [ObjectIdentifier: Schema] = [:]

    func add(_ schema: Schema) {
        schemas[ObjectIdentifier(schema)] = schema
    }

    /// `schema` now holds the graph; a schema no other contains is let go, so it holds the graph
    /// without a loop. One that is a subschema stays (its parent may be all that holds it).
    func handOut(_ schema: Schema, isSubschema: Bool) {
        schema.graph = self
        if !isSubschema { schemas[ObjectIdentifier(schema)] = nil }
    }
}

/// A schema reached by a discriminator mapping, held weakly like `Schema.reference`.
struct WeakSchema: @unchecked Sendable {
    weak var schema: Schema?
}
