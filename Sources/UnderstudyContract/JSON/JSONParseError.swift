/// Why a byte sequence is not JSON, and where: a byte offset plus the line and column a person
/// would look at (both 1-based; columns count bytes).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public let line: Int
    public let column: Int

    public var description: String { "\(message) at line \(line), column \(column)" }
}
