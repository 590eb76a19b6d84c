import CYaml

/// libyaml's syntax errors as people read them, for both YAML readers (specs and fixtures).
enum YAMLSyntax {
    /// `YAML syntax error: <context>, <problem>: `<the offending line>`` at the problem's position;
    /// at the end of the input libyaml points past the text, so there it is where the unfinished
    /// construct began.
    static func error(_ parser: yaml_parser_t, text: UnsafeBufferPointer<UInt8>, file: String) -> SpecError {
        var mark = parser.problem_mark
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) + ", " } ?? ""
        if Int(mark.index) >= text.count, parser.context != nil {
            mark = parser.context_mark
        }
        let line = offendingLine(Int(mark.line), in: text)
        return SpecError("YAML syntax error: \(context)\(problem): `\(line)`",
                         at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1))
    }

    private static func offendingLine(_ index: Int, in text: UnsafeBufferPointer<UInt8>) -> String {
        var line = 0
        var start = 0
        for (i, b) in text.enumerated() where b == 0x0A {
            if line == index { return String(decoding: text[start..<i], as: UTF8.self).trimmingWhitespace() }
            line += 1
            start = i + 1
        }
        return line == index ? String(decoding: text[start...], as: UTF8.self).trimmingWhitespace() : ""
    }
}

/// The keys of one open mapping, to find a repeat: scanned while few, a set past 32 (a client can
/// send scenarios, and a spec can hold, a mapping of a hundred thousand keys).
struct YAMLKeys {
    private var few: [String] = []
    private var many: Set<String>?

    /// Takes `key`; false if the mapping has it already.
    mutating func claim(_ key: String) -> Bool {
        if many == nil {
            if few.contains(key) { return false }
            few.append(key)
            if few.count == 32 {
                many = Set(few)
                few = []
            }
            return true
        }
        return many!.insert(key).inserted
    }
}

/// An open mapping or sequence while a reader builds `Value`s from libyaml's events, `origin`
/// being where the reader keeps its position. Mutated in place on the reader's stack, so appending
/// to a large mapping never copies it.
struct YAMLFrame<Value, Origin> {
    var isMapping: Bool
    var origin: Origin
    var anchor: String?
    var members: [(key: String, value: Value)] = []
    var elements: [Value] = []
    /// The key whose value comes next (mappings).
    var key: String?
    var keys = YAMLKeys()
    /// Nodes in this subtree with aliases expanded (what a reader of the value walks).
    var size = 1

    /// Whether the next node is a key of this mapping.
    var expectsKey: Bool { isMapping && key == nil }

    mutating func add(_ value: Value, size: Int) {
        self.size += size
        if isMapping {
            members.append((key ?? "", value))
            key = nil
        } else {
            elements.append(value)
        }
    }
}
