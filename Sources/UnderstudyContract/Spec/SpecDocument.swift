#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One loaded spec file: its value and where each node came from.
public struct SpecDocument: Sendable {
    public var file: String
    public var root: JSONValue
    public var sourceMap: SourceMap

    /// Parses YAML (through libyaml) or, for `.json` files, JSON.
    public static func parse(_ bytes: [UInt8], file: String) throws(SpecError) -> SpecDocument {
        if file.hasSuffix(".json") {
            do {
                var map = SourceMap()
                map.file = file
                return SpecDocument(file: file, root: try JSONParser.parse(bytes), sourceMap: map)
            } catch let error as JSONParseError {
                throw SpecError(error.message, at: SourceLocation(file: file, line: error.line, column: error.column))
            } catch {
                throw SpecError("\(error)", at: SourceLocation(file: file, line: 1, column: 1))
            }
        }
        let (root, map) = try YAMLEventReader.read(bytes, file: file)
        return SpecDocument(file: file, root: root, sourceMap: map)
    }

    public static func load(path: String) throws(SpecError) -> SpecDocument {
        guard let bytes = readFile(path) else {
            throw SpecError("cannot read the file (\(String(cString: strerror(errno))))", at: SourceLocation(file: path, line: 1, column: 1))
        }
        return try parse(bytes, file: path)
    }

    public func location(of pointer: String) -> SourceLocation {
        sourceMap.location(of: pointer)
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
