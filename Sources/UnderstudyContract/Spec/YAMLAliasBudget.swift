/// How many nodes aliases may add to a YAML document in all. A value shares an alias's subtree,
/// but everything that walks the document (compiling, hashing, writing, reading fixtures) pays for
/// each copy: a 1 KB "billion laughs" file would otherwise cost minutes. Specs (YAMLEventReader)
/// and fixture files (YAMLTree: models, replies, scenarios, the admin API's scenarios) are held to
/// the same bound. The official OpenAI document has no aliases at all.
public struct YAMLAliasBudget {
    public static let limit = 1_000_000

    private var expanded = 0

    public init() {}

    /// Counts an alias that expands to `size` nodes; throws at the alias that passes the limit.
    public mutating func expand(_ size: Int, at location: SourceLocation) throws(SpecError) {
        expanded += size
        if expanded > Self.limit {
            throw SpecError("aliases expand to more than \(Self.limit) nodes (an alias bomb?)", at: location)
        }
    }
}
