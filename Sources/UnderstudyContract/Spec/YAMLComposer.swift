import CYaml

/// What a YAML reader makes of libyaml's events: its values and where it keeps their positions.
protocol YAMLValueBuilder {
    associatedtype Value
    associatedtype Origin
    /// A scalar that is not a key; `plain` is libyaml's plain style, `tag` an explicit tag.
    mutating func scalar(_ string: String, plain: Bool, tag: String?, at location: SourceLocation) -> Value
    /// A mapping or sequence starts here.
    mutating func open(at location: SourceLocation) -> Origin
    /// The collection `frame` is complete.
    mutating func close(_ frame: YAMLFrame<Value, Origin>) -> Value
    /// An alias stands where a node would be.
    mutating func alias()
}

/// The one loop over libyaml's events, for both readers (specs to JSON, fixtures to a tree): one
/// document, scalar keys without repeats, anchors and aliases (bounded by `YAMLAliasBudget`), and
/// libyaml's syntax errors with file:line:column.
enum YAMLComposer {
    static func compose<Builder: YAMLValueBuilder>(
        _ text: UnsafeBufferPointer<UInt8>, file: String, kind: String, into builder: inout Builder
    ) throws(SpecError) -> Builder.Value {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw SpecError("libyaml could not start", at: SourceLocation(file: file, line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, text.baseAddress, text.count)
        var state = State<Builder>(file: file, kind: kind)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw YAMLSyntax.error(parser, text: text, file: file) }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            try state.handle(&event, builder: &builder)
        }
        guard let root = state.root else {
            throw SpecError("the \(kind) is empty", at: SourceLocation(file: file, line: 1, column: 1))
        }
        return root
    }

    private struct State<Builder: YAMLValueBuilder> {
        let file: String
        let kind: String
        var stack: [YAMLFrame<Builder.Value, Builder.Origin>] = []
        var root: Builder.Value?
        var anchors: [String: (value: Builder.Value, size: Int)] = [:]
        var aliases = YAMLAliasBudget()
        var documents = 0

        init(file: String, kind: String) {
            self.file = file
            self.kind = kind
        }

        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        /// Whether the node about to start is a mapping key.
        var expectsKey: Bool { stack.last?.expectsKey ?? false }

        mutating func handle(_ event: inout yaml_event_t, builder: inout Builder) throws(SpecError) {
            let at = location(event.start_mark)
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw SpecError("only one YAML document is allowed in a \(kind)", at: at) }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let string = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                if expectsKey {
                    let top = stack.count - 1
                    guard stack[top].keys.claim(string) else { throw SpecError("duplicate key '\(string)'", at: at) }
                    stack[top].key = string
                    return
                }
                let value = builder.scalar(string, plain: s.style == YAML_PLAIN_SCALAR_STYLE, tag: s.tag.map { String(cString: $0) }, at: at)
                if let anchor = s.anchor { anchors[String(cString: anchor)] = (value, 1) }
                add(value, size: 1)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if expectsKey { throw SpecError("a \(isMapping ? "mapping" : "list") cannot be a mapping key", at: at) }
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                stack.append(YAMLFrame(isMapping: isMapping, origin: builder.open(at: at), anchor: anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                let value = builder.close(frame)
                if let anchor = frame.anchor { anchors[anchor] = (value, frame.size) }
                add(value, size: frame.size)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let (value, size) = anchors[name] else { throw SpecError("unknown alias '*\(name)'", at: at) }
                if expectsKey { throw SpecError("an alias cannot be a mapping key", at: at) }
                try aliases.expand(size, at: at)
                builder.alias()
                add(value, size: size)
            default:
                break
            }
        }

        mutating func add(_ value: Builder.Value, size: Int) {
            guard !stack.isEmpty else {
                root = value
                return
            }
            stack[stack.count - 1].add(value, size: size)
        }
    }
}
