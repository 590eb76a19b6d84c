/// One finding of a validation: where in the instance, which schema keyword, and a message a
/// person understands. Findings are values; only unrecoverable problems throw.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    /// RFC 6901 pointer into the instance (`/messages/0/content`).
    public var instancePath: String
    /// Where the failing keyword is written: `file#/pointer/keyword`.
    public var schemaPath: String
    public var keyword: String
    public var message: String
    /// What the keyword expected, as data (for callers that word errors their own way).
    public var expected: Expectation?

    public enum Expectation: Sendable, Equatable {
        case types(Schema.TypeSet)
        case values([JSONValue])
        /// A numeric bound; `integer` when the schema allows integers only.
        case bound(Double, integer: Bool)
        /// A count bound (items, characters, properties).
        case count(Int)
        /// The property a `required` or `additionalProperties` finding is about.
        case property(String)
    }

    public init(severity: Severity = .error, instancePath: String, schemaPath: String, keyword: String, message: String,
                expected: Expectation? = nil) {
        self.severity = severity
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.message = message
        self.expected = expected
    }

    public var description: String {
        "\(instancePath.isEmpty ? "(root)" : instancePath): \(message) [\(keyword) at \(schemaPath)]"
    }
}
