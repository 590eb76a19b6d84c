extension PatternProgram {
    /// Whether the program matches anywhere in `text`: a Pike VM walking the text's scalars once
    /// with the set of live instructions, each added at most once per position, so the work is at
    /// most (scalars + 1) × instructions whatever the pattern. Where no thread is alive, positions
    /// at which no match can start (by `starts`) are skipped without running the automaton.
    func matches(_ text: String) -> Bool {
        // An anchored pattern meets one position: if its first scalar cannot begin a match (or
        // there is none, and the pattern cannot match empty text), no thread need be set up.
        if anchored, let starts {
            guard let first = text.unicodeScalars.first, starts.mayStart(first, in: self) else { return false }
        }
        let size = instructions.count
        // Two thread sets (dense and sparse halves) and the closure's stack, which holds at most
        // two entries per instruction added: on the stack for small programs.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 6 * size + 1) { memory in
            memory.initialize(repeating: 0)
            var current = ThreadSet(UnsafeMutableBufferPointer(rebasing: memory[0..<(2 * size)]), capacity: size)
            var next = ThreadSet(UnsafeMutableBufferPointer(rebasing: memory[(2 * size)..<(4 * size)]), capacity: size)
            let stack = UnsafeMutableBufferPointer(rebasing: memory[(4 * size)...])
            var scalars = text.unicodeScalars.makeIterator()
            var previous: Unicode.Scalar? = nil
            var scalar = scalars.next()
            while true {
                if previous == nil || !anchored {
                    if current.count == 0, !anchored, let starts {
                        while let s = scalar, !starts.mayStart(s, in: self) {
                            previous = s
                            scalar = scalars.next()
                        }
                    }
                    if add(0, to: &current, previous, scalar, stack) { return true }
                }
                guard let s = scalar else { return false }
                let following = scalars.next()
                next.removeAll()
                for k in 0..<current.count {
                    let pc = current[k]
                    if consumes(instructions[pc], s), add(pc + 1, to: &next, s, following, stack) { return true }
                }
                swap(&current, &next)
                if anchored && current.count == 0 { return false }
                previous = s
                scalar = following
            }
        }
    }

    func consumes(_ instruction: Instruction, _ s: Unicode.Scalar) -> Bool {
        switch instruction {
        case .scalar(let expected): return s == expected
        case .folded(let lower, let upper): return s == lower || s == upper || CaseFolding.lower(s) == lower || CaseFolding.upper(s) == upper
        case .any: return !ScalarSet.isLineTerminator(s)
        case .anyScalar: return true
        case .set(let index): return sets[index].contains(s)
        case .split, .jump, .assert, .match: return false
        }
    }

    /// Adds `pc` and everything reachable from it without consuming (between `previous` and
    /// `scalar`) to `threads`; true when that reaches `match`.
    private func add(_ pc: Int, to threads: inout ThreadSet, _ previous: Unicode.Scalar?, _ scalar: Unicode.Scalar?,
                     _ stack: UnsafeMutableBufferPointer<Int>) -> Bool {
        var top = 0
        stack[top] = pc
        top += 1
        while top > 0 {
            top -= 1
            let pc = stack[top]
            guard threads.insert(pc) else { continue }
            switch instructions[pc] {
            case .jump(let target):
                stack[top] = target
                top += 1
            case .split(let first, let second):
                stack[top] = second
                stack[top + 1] = first
                top += 2
            case .assert(let assertion):
                if Self.holds(assertion, previous, scalar) {
                    stack[top] = pc + 1
                    top += 1
                }
            case .match:
                return true
            default:
                break
            }
        }
        return false
    }

    static func holds(_ assertion: PatternAssertion, _ previous: Unicode.Scalar?, _ scalar: Unicode.Scalar?) -> Bool {
        switch assertion {
        case .textStart: return previous == nil
        case .textEnd: return scalar == nil
        case .lineStart: return previous.map(ScalarSet.isLineTerminator) ?? true
        case .lineEnd: return scalar.map(ScalarSet.isLineTerminator) ?? true
        case .wordBoundary, .notWordBoundary:
            let boundary = (previous.map(ScalarSet.isWord) ?? false) != (scalar.map(ScalarSet.isWord) ?? false)
            return boundary == (assertion == .wordBoundary)
        }
    }
}
