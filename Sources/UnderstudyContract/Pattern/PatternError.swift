/// Why a pattern was refused at compile time: a syntax error, a construct no linear-time engine
/// can match (backreferences, lookaround), or a program past `Pattern.maximumInstructions`.
public struct PatternError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, in words.
    public var message: String
    /// The offset in Unicode scalars of the source where it was found.
    public var offset: Int?

    public var description: String { offset.map { "\(message) (at character \($0 + 1))" } ?? message }
}
