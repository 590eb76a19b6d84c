/// A regular expression compiled once (at load), for schema `pattern`s and fixture rules.
public struct Pattern: @unchecked Sendable {
    // Regex values are immutable; the type is not Sendable only because of its generic output.
    let regex: Regex<AnyRegexOutput>
    public let source: String

    public init(_ source: String) throws {
        regex = try Regex(source)
        self.source = source
    }

    /// Whether the pattern occurs anywhere in `text` (JSON Schema's and our rules' semantics).
    public func matches(_ text: String) -> Bool { (try? regex.firstMatch(in: text)) != nil }
}
