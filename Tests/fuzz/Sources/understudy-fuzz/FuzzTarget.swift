/// One libFuzzer target: a name, what it covers, and what it does with one input. Library code
/// must answer any input with a value or an error; a trap, a hang or a leak is a finding. A
/// target also stops the process (`require`) when an invariant the product relies on breaks:
/// libFuzzer records that input as a crash too.
struct FuzzTarget: Sendable {
    var name: String
    var summary: String
    /// Work done once before the first input (compiling the embedded contract), so no single
    /// input is charged for it against the one-second timeout.
    var prepare: @Sendable () -> Void = {}
    var run: @Sendable (UnsafeRawBufferPointer) -> Void

    /// The target chosen for this process (libFuzzer's callback is a C function: no context).
    nonisolated(unsafe) static var current: FuzzTarget?

    static let all: [FuzzTarget] = [.json, .spec, .schema, .sse, .har, .jsonl, .fixtureYAML, .pattern]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Stops the run with `message` when an invariant breaks.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
