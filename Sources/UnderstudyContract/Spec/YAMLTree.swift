/// A YAML node with where it starts: what fixture files (models, replies, scenarios, timing) are
/// read through, so every typed read can fail with file:line:column. Specs skip the tree and go
/// straight to JSON (`YAMLEventReader`); both read libyaml's events (`YAMLComposer`), and neither
/// needs Foundation.
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    /// Members in file order; keys are scalars.
    case mapping([(key: String, value: YAMLNode)], at: YAMLMark)
    case sequence([YAMLNode], at: YAMLMark)

    public var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(_, let mark), .sequence(_, let mark): mark
        }
    }
}

/// One-based, as people count.
public struct YAMLMark: Sendable, Equatable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

public struct YAMLScalar: Sendable {
    public var string: String
    /// Plain (unquoted, not a block scalar, no `!!str` tag): the only style whose text can be a
    /// number, a boolean or null.
    public var isPlain: Bool
    public var mark: YAMLMark
}

public enum YAMLTree {
    /// Composes one document. Aliases share their anchor's node and are held to
    /// `YAMLAliasBudget`; a repeated key is an error at the repeat, as in specs.
    public static func parse(_ text: [UInt8], file: String) throws(SpecError) -> YAMLNode {
        var builder = Builder()
        return try text.withUnsafeBufferPointer { (buffer) throws(SpecError) -> YAMLNode in
            try YAMLComposer.compose(buffer, file: file, kind: "file", into: &builder)
        }
    }

    private struct Builder: YAMLValueBuilder {
        func scalar(_ string: String, plain: Bool, tag: String?, at location: SourceLocation) -> YAMLNode {
            .scalar(YAMLScalar(string: string, isPlain: plain && tag != "tag:yaml.org,2002:str", mark: Self.mark(location)))
        }

        func open(at location: SourceLocation) -> YAMLMark { Self.mark(location) }

        func close(_ frame: YAMLFrame<YAMLNode, YAMLMark>) -> YAMLNode {
            frame.isMapping ? .mapping(frame.members, at: frame.origin) : .sequence(frame.elements, at: frame.origin)
        }

        func alias() {}

        static func mark(_ location: SourceLocation) -> YAMLMark { YAMLMark(line: location.line, column: location.column) }
    }
}
