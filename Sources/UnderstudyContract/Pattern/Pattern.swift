/// A regular expression compiled once (at load), for schema `pattern`s and fixture rules.
///
/// Our own linear-time engine (`PatternParser` → `PatternProgram`, a Pike VM over Unicode
/// scalars) for the ECMA-262 subset JSON Schema and our rules use. Swift's `Regex` backtracks
/// without a time limit: `^(a|a)*$` on 34 `a`s and a `!` never finished. Here matching costs at
/// most (scalars of text + 1) × instructions, and the program is capped at
/// `maximumInstructions`, so no pattern from a request or a fixture can hold a thread for long.
/// Backreferences and lookaround, which no automaton matches in linear time, are refused at
/// compile time with a `PatternError`.
public struct Pattern: Sendable {
    /// The largest compiled program: counted repeats are expanded, so `x{5000}` is 5,000.
    public static let maximumInstructions = 10_000

    public let source: String
    private let program: PatternProgram
    /// Text every match contains, checked before the automaton runs.
    private let literal: RequiredLiteral?

    public init(_ source: String) throws(PatternError) {
        self.source = source
        let node = try PatternParser.parse(source)
        program = try PatternProgram(node, limit: Self.maximumInstructions)
        literal = RequiredLiteral(node)
    }

    /// Whether the pattern occurs anywhere in `text` (JSON Schema's and our rules' semantics).
    public func matches(_ text: String) -> Bool {
        if let literal, !literal.mayMatch(text) { return false }
        return program.matches(text)
    }

    /// The compiled program's size, which bounds the work per scalar of text.
    public var instructionCount: Int { program.instructions.count }

    /// The most work `matches(text)` can take, in automaton steps: (scalars + 1) × instructions,
    /// with UTF-8 bytes standing in for scalars (never fewer, and known without a pass). Callers
    /// matching text and patterns that both come from one request charge this to its budget:
    /// linear is not enough when a 10,000-instruction pattern meets a 100,000-character string.
    public func cost(of text: String) -> Int {
        (text.utf8.count + 1) * program.instructions.count
    }
}
