import UnderstudyContract

extension FuzzTarget {
    /// The longest text matched (the work grows with it; a longer text finds nothing new).
    static let patternTextLimit = 64

    /// Time allowed per automaton step of the engine's bound, instrumented: measured at about
    /// 125 ns (`(?:a?){4990}b`, 9,982 instructions, on 64 scalars, three matches: 0.24 s).
    static let instrumentedStep = Duration.nanoseconds(400)

    /// Input = pattern, a NUL byte, text (no NUL: the whole input is the pattern, matched against
    /// itself). Any pattern compiles or is refused with a reason; a compiled one answers any text,
    /// the same way twice and the same way wrapped in a group, and within its linear bound: 250 ms
    /// plus `instrumentedStep` for each step of (scalars + 1) × instructions of the three matches
    /// (libFuzzer's own slow-unit report counts whole seconds; a floor of 100 ms once caught a
    /// 10,000-instruction compile that took 0.34 s on a machine busy building, 0.05 s again).
    static let pattern = FuzzTarget(name: "pattern", summary: "Pattern (our linear-time engine): compile, then match a text, within its linear bound") { input in
        let bytes = Array(input)
        let split = bytes.firstIndex(of: 0)
        let source = String(decoding: bytes[..<(split ?? bytes.count)], as: UTF8.self)
        let text = String(String(decoding: split.map { bytes[($0 + 1)...] } ?? bytes[...], as: UTF8.self).unicodeScalars.prefix(patternTextLimit))
        let clock = ContinuousClock()
        let start = clock.now
        var bound = Duration.milliseconds(250)
        defer {
            let elapsed = clock.now - start
            require(elapsed < bound, "one input took \(elapsed), over its bound \(bound): pattern \(source.debugDescription.prefix(200))")
        }
        guard let pattern = try? Pattern(source) else { return }
        bound += instrumentedStep * (3 * pattern.cost(of: text))
        require(pattern.instructionCount <= Pattern.maximumInstructions, "a program past the cap: \(pattern.instructionCount)")
        let answer = pattern.matches(text)
        require(pattern.matches(text) == answer, "two answers for one text")
        if let grouped = try? Pattern("(?:" + source + ")") {
            require(grouped.matches(text) == answer, "a group changed the answer")
        }
    }
}
