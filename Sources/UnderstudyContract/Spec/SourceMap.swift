/// Where each node of a loaded document starts, by JSON pointer.
public struct SourceMap: Sendable {
    public var file = ""
    private var positions: [String: (line: Int32, column: Int32)] = [:]

    public init() {}

    mutating func reserve(_ count: Int) { positions.reserveCapacity(count) }

    func contains(_ pointer: String) -> Bool { positions[pointer] != nil }

    mutating func record(_ pointer: String, _ location: SourceLocation) {
        positions[pointer] = (Int32(location.line), Int32(location.column))
    }

    /// The location of `pointer`, or of its nearest ancestor that has one.
    public func location(of pointer: String) -> SourceLocation {
        var p = Substring(pointer)
        while true {
            if let position = positions[String(p)] {
                return SourceLocation(file: file, line: Int(position.line), column: Int(position.column))
            }
            guard let slash = p.lastIndex(of: "/") else { return SourceLocation(file: file, line: 1, column: 1) }
            p = p[..<slash]
        }
    }
}
