/// Something wrong or doubtful in a spec, found while loading or compiling it.
public struct SpecProblem: Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
