import UnderstudyContract

extension FuzzTarget {
    /// The longest text matched: the engine's bound is (scalars + 1) × instructions (at most
    /// 10,000), so this keeps a legitimate worst case well inside the 100 ms every input must take
    /// (instrumented, a step takes about 20 ns: `(?:a?){4991}a{500}` on 256 scalars, three
    /// matches, took 145 ms; on 64 it is under 40).
    static let patternTextLimit = 64

    /// Input = pattern, a NUL byte, text (no NUL: the whole input is the pattern, matched against
    /// itself). Any pattern compiles or is refused with a reason; a compiled one answers any text,
    /// the same way twice and the same way wrapped in a group, and no input takes over 100 ms
    /// (libFuzzer's own slow-unit report counts whole seconds).
    static let pattern = FuzzTarget(name: "pattern", summary: "Pattern (our linear-time engine): compile, then match a text; 100 ms an input") { input in
        let bytes = Array(input)
        let split = bytes.firstIndex(of: 0)
        let source = String(decoding: bytes[..<(split ?? bytes.count)], as: UTF8.self)
        let text = String(String(decoding: split.map { bytes[($0 + 1)...] } ?? bytes[...], as: UTF8.self).unicodeScalars.prefix(patternTextLimit))
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = clock.now - start
            require(elapsed < .milliseconds(100), "one input took \(elapsed): pattern \(source.debugDescription.prefix(200))")
        }
        guard let pattern = try? Pattern(source) else { return }
        require(pattern.instructionCount <= Pattern.maximumInstructions, "a program past the cap: \(pattern.instructionCount)")
        let answer = pattern.matches(text)
        require(pattern.matches(text) == answer, "two answers for one text")
        if let grouped = try? Pattern("(?:" + source + ")") {
            require(grouped.matches(text) == answer, "a group changed the answer")
        }
    }
}
