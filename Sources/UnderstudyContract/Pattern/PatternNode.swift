/// A parsed pattern: flags (`(?i)`, `(?m)`, `(?s)`) are already applied to the nodes they cover,
/// and groups are gone, since only whether a match exists is asked (no captures).
indirect enum PatternNode: Sendable {
    case empty
    /// One scalar; `fold` compares case-insensitively.
    case scalar(Unicode.Scalar, fold: Bool)
    /// `.`: any scalar but a line terminator, or any at all under `(?s)`.
    case any(dotAll: Bool)
    case set(ScalarSet)
    case assertion(PatternAssertion)
    case concat([PatternNode])
    case alternate([PatternNode])
    /// `max` nil is unbounded. Lazy and greedy repeats give the same match/no-match answer.
    case repeated(PatternNode, min: Int, max: Int?)
}

/// Zero-width tests on the scalars either side of a position.
enum PatternAssertion: Sendable, Equatable {
    case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
}
