import CYaml

/// Reads YAML straight from libyaml's events (Yams' vendored copy) into `JSONValue`, recording
/// where each node starts. Going through events rather than a node tree is what makes loading a
/// 3 MB OpenAPI document cheap: no intermediate tree, one pass.
///
/// Plain scalars resolve by YAML 1.2's core schema (`true`, `null`, `12`, `1.5e3`…); quoted and
/// block scalars are strings; anchors and aliases are supported; keys must be scalars.
enum YAMLEventReader {
    static func read(_ text: [UInt8], file: String) throws(SpecError) -> (JSONValue, SourceMap) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw SpecError("libyaml could not start", at: SourceLocation(file: file, line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        return try text.withUnsafeBufferPointer { (buffer) throws(SpecError) -> (JSONValue, SourceMap) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(file: file, text: buffer)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { throw builder.syntaxError(parser) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.handle(&event)
            }
            guard let root = builder.root else {
                throw SpecError("the document is empty", at: SourceLocation(file: file, line: 1, column: 1))
            }
            builder.map.finish(root: root)
            return (root, builder.map)
        }
    }

    /// An open mapping or sequence. A struct mutated in place on the stack, so appending to a
    /// large mapping never copies it.
    private struct Frame {
        var isMapping: Bool
        var members: [(key: String, value: JSONValue)] = []
        var elements: [JSONValue] = []
        /// The key whose value comes next (mappings).
        var key: String?
        /// The keys so far, once a mapping has too many to scan for a duplicate.
        var keys: Set<String>?
        /// This node's entry in the source map.
        var entry: Int
        var anchor: String?
        /// Nodes in this subtree with aliases expanded (what a reader of the value walks).
        var size = 1

        /// Whether the next node is a key of this mapping.
        var expectsKey: Bool { isMapping && key == nil }

        /// Takes `key` as the next key; false if the mapping has it already.
        mutating func claim(_ key: String) -> Bool {
            if keys == nil {
                if members.count < 32 { return !members.contains { $0.key == key } }
                keys = Set(members.map(\.key))
            }
            return keys!.insert(key).inserted
        }
    }

    private struct Builder {
        let file: String
        let text: UnsafeBufferPointer<UInt8>
        var stack: [Frame] = []
        var root: JSONValue?
        var map = SourceMap()
        var anchors: [String: (value: JSONValue, size: Int)] = [:]
        var documents = 0
        var aliases = YAMLAliasBudget()

        init(file: String, text: UnsafeBufferPointer<UInt8>) {
            self.file = file
            self.text = text
            map.file = file
            map.reserve(text.count / 16)
        }

        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        /// Whether the node about to start is a mapping key.
        var expectsKey: Bool { stack.last?.expectsKey ?? false }

        mutating func handle(_ event: inout yaml_event_t) throws(SpecError) {
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw SpecError("only one YAML document is allowed in a spec", at: location(event.start_mark)) }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let string = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                if expectsKey {
                    let top = stack.count - 1
                    guard stack[top].claim(string) else { throw SpecError("duplicate key '\(string)'", at: location(event.start_mark)) }
                    stack[top].key = string
                    return
                }
                map.open(location(event.start_mark))
                let value = Self.resolve(string, plain: s.style == YAML_PLAIN_SCALAR_STYLE, tag: s.tag.map { String(cString: $0) })
                if let anchor = s.anchor { anchors[String(cString: anchor)] = (value, 1) }
                try add(value, size: 1, at: event.start_mark)
            case YAML_SEQUENCE_START_EVENT:
                if expectsKey { throw SpecError("a list cannot be a mapping key", at: location(event.start_mark)) }
                let entry = map.open(location(event.start_mark))
                stack.append(Frame(isMapping: false, entry: entry, anchor: event.data.sequence_start.anchor.map { String(cString: $0) }))
            case YAML_MAPPING_START_EVENT:
                if expectsKey { throw SpecError("a mapping cannot be a mapping key", at: location(event.start_mark)) }
                let entry = map.open(location(event.start_mark))
                stack.append(Frame(isMapping: true, entry: entry, anchor: event.data.mapping_start.anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                map.close(frame.entry)
                let value: JSONValue = frame.isMapping ? .object(JSONObject(frame.members)) : .array(frame.elements)
                if let anchor = frame.anchor { anchors[anchor] = (value, frame.size) }
                try add(value, size: frame.size, at: event.start_mark)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let (value, size) = anchors[name] else { throw SpecError("unknown alias '*\(name)'", at: location(event.start_mark)) }
                if expectsKey { throw SpecError("an alias cannot be a mapping key", at: location(event.start_mark)) }
                try aliases.expand(size, at: location(event.start_mark))
                map.openAlias()
                try add(value, size: size, at: event.start_mark)
            default:
                break
            }
        }

        mutating func add(_ value: JSONValue, size: Int, at mark: yaml_mark_t) throws(SpecError) {
            guard !stack.isEmpty else {
                root = value
                return
            }
            let top = stack.count - 1
            stack[top].size += size
            if stack[top].isMapping {
                stack[top].members.append((stack[top].key ?? "", value))
                stack[top].key = nil
            } else {
                stack[top].elements.append(value)
            }
        }

        func syntaxError(_ parser: yaml_parser_t) -> SpecError {
            var mark = parser.problem_mark
            let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
            var context = parser.context.map { String(cString: $0) + ", " } ?? ""
            // At the end of the input libyaml points past the text; where the unfinished construct
            // began is what a person needs.
            if Int(mark.index) >= text.count, parser.context != nil {
                mark = parser.context_mark
                context = ""
            }
            let line = offendingLine(Int(mark.line))
            return SpecError("YAML syntax error: \(context)\(problem): `\(line)`", at: location(mark))
        }

        func offendingLine(_ index: Int) -> String {
            var line = 0
            var start = 0
            for (i, b) in text.enumerated() where b == 0x0A {
                if line == index { return String(decoding: text[start..<i], as: UTF8.self).trimmingWhitespace() }
                line += 1
                start = i + 1
            }
            return line == index ? String(decoding: text[start...], as: UTF8.self).trimmingWhitespace() : ""
        }

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
