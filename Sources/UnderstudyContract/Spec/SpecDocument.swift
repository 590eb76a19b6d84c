/// One loaded spec file: its value and where each node came from.
public struct SpecDocument: Sendable {
    public var file: String
    public var root: JSONValue
    public var sourceMap: SourceMap

    /// Parses YAML (through libyaml) or, for `.json` files, JSON.
    public static func parse(_ bytes: [UInt8], file: String) throws(SpecError) -> SpecDocument {
        if file.hasSuffix(".json") {
            do throws(JSONParseError) {
                var map = SourceMap()
                map.file = file
                return SpecDocument(file: file, root: try JSONParser.parse(bytes), sourceMap: map)
            } catch {
                throw SpecError(error.message, at: SourceLocation(file: file, line: error.line, column: error.column))
            }
        }
        let (root, map) = try YAMLEventReader.read(bytes, file: file)
        return SpecDocument(file: file, root: root, sourceMap: map)
    }

    public static func load(path: String) throws(SpecError) -> SpecDocument {
        guard let bytes = FileBytes.read(path) else {
            throw SpecError("cannot read the file (\(FileBytes.lastError))", at: SourceLocation(file: path, line: 1, column: 1))
        }
        return try parse(bytes, file: path)
    }

    public func location(of pointer: String) -> SourceLocation {
        sourceMap.location(of: pointer)
    }
}
