/// A pattern compiled to a Thompson NFA: consuming instructions, `split`/`jump` for choices and
/// loops, zero-width assertions. Counted repeats are expanded, so the program's size, which bounds
/// the work per scalar of text, is capped at compile time.
struct PatternProgram: Sendable {
    enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        /// A scalar under `(?i)`: its lower and upper case forms.
        case folded(Unicode.Scalar, Unicode.Scalar)
        /// `.`: anything but a line terminator.
        case any
        /// `.` under `(?s)`.
        case anyScalar
        case set(Int)
        case split(Int, Int)
        case jump(Int)
        case assert(PatternAssertion)
        case match
    }

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [ScalarSet] = []
    /// The pattern can only match at the start of the text (`^…` outside `(?m)`).
    let anchored: Bool
    /// Which scalars a match can begin with, when the pattern cannot match the empty text and
    /// begins with a few consuming instructions (assertions taken as passing): a position whose
    /// scalar none of them takes cannot start a match. Nil when every position may.
    private(set) var starts: StartFilter?

    /// The scalars the first consuming instructions take: ASCII as a bitmap, others by asking
    /// the instructions.
    struct StartFilter: Sendable {
        var ascii: (UInt64, UInt64) = (0, 0)
        var instructions: [Instruction]

        func mayStart(_ s: Unicode.Scalar, in program: PatternProgram) -> Bool {
            let v = s.value
            if v < 64 { return ascii.0 & (1 << UInt64(v)) != 0 }
            if v < 128 { return ascii.1 & (1 << UInt64(v - 64)) != 0 }
            return instructions.contains { program.consumes($0, s) }
        }
    }
    private let limit: Int

    init(_ node: PatternNode, limit: Int) throws(PatternError) {
        self.limit = limit
        anchored = Self.startsAtTextStart(node)
        try emit(node)
        try append(.match)
        if let first = firstConsumers() {
            var filter = StartFilter(instructions: first.map { instructions[$0] })
            for b in 0..<128 where filter.instructions.contains(where: { consumes($0, Unicode.Scalar(UInt8(b))) }) {
                if b < 64 { filter.ascii.0 |= 1 << UInt64(b) } else { filter.ascii.1 |= 1 << UInt64(b - 64) }
            }
            starts = filter
        }
    }

    private func firstConsumers() -> [Int]? {
        var seen = Set<Int>()
        var pending = [0]
        var found: [Int] = []
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch instructions[pc] {
            case .jump(let target): pending.append(target)
            case .split(let first, let second): pending += [first, second]
            case .assert: pending.append(pc + 1)
            case .match, .any, .anyScalar: return nil
            case .scalar, .folded, .set: found.append(pc)
            }
            if found.count > 8 { return nil }
        }
        return found
    }

    private static func startsAtTextStart(_ node: PatternNode) -> Bool {
        switch node {
        case .assertion(.textStart): return true
        case .concat(let nodes): return nodes.first.map(startsAtTextStart) ?? false
        case .alternate(let branches): return branches.allSatisfy(startsAtTextStart)
        case .repeated(let body, let min, _): return min > 0 && startsAtTextStart(body)
        default: return false
        }
    }

    @discardableResult
    private mutating func append(_ instruction: Instruction) throws(PatternError) -> Int {
        guard instructions.count < limit else {
            throw PatternError(
                message: "the pattern compiles to more than \(limit) instructions (counted repeats are expanded: "
                    + "(a{100}){100} is 10,000)", offset: nil)
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func patch(_ at: Int, to target: Int) {
        switch instructions[at] {
        case .split(let first, _): instructions[at] = .split(first, target)
        case .jump: instructions[at] = .jump(target)
        default: preconditionFailure("only a split or a jump is patched")
        }
    }

    private mutating func emit(_ node: PatternNode) throws(PatternError) {
        switch node {
        case .empty:
            break
        case .scalar(let s, let fold):
            let lower = CaseFolding.lower(s)
            let upper = CaseFolding.upper(s)
            try append(fold && lower != upper ? .folded(lower, upper) : .scalar(s))
        case .any(let dotAll):
            try append(dotAll ? .anyScalar : .any)
        case .set(let set):
            sets.append(set)
            try append(.set(sets.count - 1))
        case .assertion(let assertion):
            try append(.assert(assertion))
        case .concat(let nodes):
            for node in nodes { try emit(node) }
        case .alternate(let branches):
            var exits: [Int] = []
            for branch in branches.dropLast() {
                let split = try append(.split(instructions.count + 1, -1))
                try emit(branch)
                exits.append(try append(.jump(-1)))
                patch(split, to: instructions.count)
            }
            try emit(branches[branches.count - 1])
            for exit in exits { patch(exit, to: instructions.count) }
        case .repeated(let body, let min, let max):
            try emitRepeat(body, min: min, max: max)
        }
    }

    /// `body{min,max}` as `min` copies, then a loop (`max` nil) or `max - min` nested optional
    /// copies. A body that emits nothing is not repeated: `(){1000000}` costs nothing.
    private mutating func emitRepeat(_ body: PatternNode, min: Int, max: Int?) throws(PatternError) {
        for k in 0..<min {
            let before = instructions.count
            try emit(body)
            if k == 0 && instructions.count == before { return }
        }
        guard let max else {
            guard let loop = try emitOptional(body) else { return }
            try append(.jump(loop))
            patch(loop, to: instructions.count)
            return
        }
        var splits: [Int] = []
        for _ in min..<Swift.max(min, max) {
            guard let split = try emitOptional(body) else { break }
            splits.append(split)
        }
        for split in splits { patch(split, to: instructions.count) }
    }

    /// A `split` (its second branch left to patch) and then `body`; the split's index, or nil
    /// (and nothing emitted) when the body emits nothing.
    private mutating func emitOptional(_ body: PatternNode) throws(PatternError) -> Int? {
        let split = try append(.split(instructions.count + 1, -1))
        try emit(body)
        if instructions.count == split + 1 {
            instructions.removeLast()
            return nil
        }
        return split
    }
}
