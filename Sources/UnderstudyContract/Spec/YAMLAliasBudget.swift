import CYaml

/// How many nodes aliases may add to a YAML document in all. A value shares an alias's subtree,
/// but everything that walks the document (compiling, hashing, writing, reading fixtures) pays for
/// each copy: a 1 KB "billion laughs" file would otherwise cost minutes. Specs (YAMLEventReader)
/// and fixture files read through Yams (models, replies, scenarios, the admin API's scenarios) are
/// held to the same bound. The official OpenAI document has no aliases at all.
public struct YAMLAliasBudget {
    public static let limit = 1_000_000

    private var expanded = 0

    public init() {}

    /// Counts an alias that expands to `size` nodes; throws at the alias that passes the limit.
    public mutating func expand(_ size: Int, at location: SourceLocation) throws(SpecError) {
        expanded += size
        if expanded > Self.limit {
            throw SpecError("aliases expand to more than \(Self.limit) nodes (an alias bomb?)", at: location)
        }
    }

    /// Checks a whole document before another reader (Yams) builds it: one pass over libyaml's
    /// events, keeping only subtree sizes. Syntax errors are left for that reader to report.
    public static func check(_ text: [UInt8], file: String) throws(SpecError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        try text.withUnsafeBufferPointer { (buffer) throws(SpecError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var budget = YAMLAliasBudget()
            // Open collections' sizes (aliases expanded) and their anchors.
            var open: [(size: Int, anchor: String?)] = []
            var anchors: [String: Int] = [:]
            var event = yaml_event_t()
            func add(_ size: Int) {
                if !open.isEmpty { open[open.count - 1].size += size }
            }
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    if let anchor = event.data.scalar.anchor { anchors[String(cString: anchor)] = 1 }
                    add(1)
                case YAML_SEQUENCE_START_EVENT:
                    open.append((1, event.data.sequence_start.anchor.map { String(cString: $0) }))
                case YAML_MAPPING_START_EVENT:
                    open.append((1, event.data.mapping_start.anchor.map { String(cString: $0) }))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { return }
                    if let anchor = closed.anchor { anchors[anchor] = closed.size }
                    add(closed.size)
                case YAML_ALIAS_EVENT:
                    // An unknown alias is the other reader's error to report.
                    guard let size = anchors[String(cString: event.data.alias.anchor)] else { return }
                    try budget.expand(size, at: SourceLocation(file: file, line: Int(event.start_mark.line) + 1,
                                                               column: Int(event.start_mark.column) + 1))
                    add(size)
                default:
                    break
                }
            }
        }
    }
}
