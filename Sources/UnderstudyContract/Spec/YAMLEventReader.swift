/// Reads YAML straight from libyaml's events (`YAMLComposer`) into `JSONValue`, recording
/// where each node starts. Going through events rather than a node tree is what makes loading a
/// 3 MB OpenAPI document cheap: no intermediate tree, one pass.
///
/// Plain scalars resolve by YAML 1.2's core schema (`true`, `null`, `12`, `1.5e3`…); quoted and
/// block scalars are strings; anchors and aliases are supported; keys must be scalars.
enum YAMLEventReader {
    static func read(_ text: [UInt8], file: String) throws(SpecError) -> (JSONValue, SourceMap) {
        var builder = Builder(file: file, size: text.count)
        let root = try text.withUnsafeBufferPointer { (buffer) throws(SpecError) -> JSONValue in
            try YAMLComposer.compose(buffer, file: file, kind: "spec", into: &builder)
        }
        builder.map.finish(root: root)
        return (root, builder.map)
    }

    /// Values as JSON; each node's position goes into the source map, whose entry is the origin.
    private struct Builder: YAMLValueBuilder {
        var map = SourceMap()

        init(file: String, size: Int) {
            map.file = file
            map.reserve(size / 16)
        }

        mutating func scalar(_ string: String, plain: Bool, tag: String?, at location: SourceLocation) -> JSONValue {
            map.open(location)
            return Self.resolve(string, plain: plain, tag: tag)
        }

        mutating func open(at location: SourceLocation) -> Int { map.open(location) }

        mutating func close(_ frame: YAMLFrame<JSONValue, Int>) -> JSONValue {
            map.close(frame.origin)
            return frame.isMapping ? .object(JSONObject(frame.members)) : .array(frame.elements)
        }

        mutating func alias() { map.openAlias() }

        static func resolve(_ s: String, plain: Bool, tag: String?) -> JSONValue {
            if let tag, tag != "!" {
                switch tag {
                case "tag:yaml.org,2002:str": return .string(s)
                case "tag:yaml.org,2002:null": return .null
                default: break
                }
            }
            guard plain else { return .string(s) }
            // None of these words is longer than five bytes; most text is, and skips the comparisons.
            if s.utf8.count <= 5 {
                switch s {
                case "", "~", "null", "Null", "NULL": return .null
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
                case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
                case ".nan", ".NaN", ".NAN": return .double(.nan)
                default: break
                }
            }
            guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                    || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return .string(s) }
            if s.hasPrefix("0x"), let v = Int64(s.dropFirst(2), radix: 16) { return .int(v) }
            if s.hasPrefix("0o"), let v = Int64(s.dropFirst(2), radix: 8) { return .int(v) }
            if isDecimalInteger(s) {
                if let v = Int64(s.hasPrefix("+") ? String(s.dropFirst()) : s) { return .int(v) }
                if let d = Double(s) { return .double(d) }
            }
            if isFloat(s), let d = Double(s) { return .double(d) }
            return .string(s)
        }

        static func isDecimalInteger(_ s: String) -> Bool {
            var utf8 = Substring(s).utf8
            if let f = utf8.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { utf8 = utf8.dropFirst() }
            return !utf8.isEmpty && utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }

        /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
        static func isFloat(_ s: String) -> Bool {
            let b = Array(s.utf8)
            var i = 0
            func digits() -> Int {
                let start = i
                while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
                return i - start
            }
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            let whole = digits()
            var fraction = 0
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                fraction = digits()
            }
            guard whole > 0 || fraction > 0 else { return false }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
                guard digits() > 0 else { return false }
            }
            return i == b.count
        }
    }
}
