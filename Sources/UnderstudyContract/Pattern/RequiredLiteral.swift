/// A run of ASCII text every match of a pattern contains (`weather in` in `(?i)weather in \w+`),
/// found at compile time: text without it cannot match, and a byte search says so faster than
/// the automaton walking every scalar. Only ASCII text is judged this way: under `(?i)` a
/// non-ASCII scalar can fold to an ASCII letter (the Kelvin sign to `k`), so any other text goes
/// to the automaton.
struct RequiredLiteral: Sendable {
    /// The bytes, lowercase where `folded`.
    let bytes: [UInt8]
    /// Whether each byte is an ASCII letter compared in either case.
    let folded: [Bool]

    /// Shorter runs are found by the automaton's start filter about as fast.
    static let minimumLength = 3
    static let maximumLength = 64

    /// The longest literal run the pattern requires, if one is at least `minimumLength` long.
    init?(_ node: PatternNode) {
        var best: [(UInt8, Bool)] = []
        Self.collect(node, into: &best)
        guard best.count >= Self.minimumLength else { return nil }
        bytes = best.map(\.0)
        folded = best.map(\.1)
    }

    /// Whether `text` can contain a match: false only when it is ASCII and lacks the run.
    func mayMatch(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard Self.isASCII(utf8) else { return true }  // the automaton decides
            return bytes.withUnsafeBufferPointer { literal in
                folded.withUnsafeBufferPointer { folded in Self.contains(literal, folded, in: utf8) }
            }
        }
    }

    /// Whether `text` holds the literal: candidates by its first byte, then the rest compared.
    private static func contains(_ literal: UnsafeBufferPointer<UInt8>, _ folded: UnsafeBufferPointer<Bool>,
                                 in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = literal.count
        guard count > 0, count <= text.count else { return count == 0 }
        let first = literal[0], foldFirst = folded[0]
        for start in 0...(text.count - count) {
            let b = text[start]
            guard (foldFirst ? b | 0x20 : b) == first else { continue }
            var k = 1
            while k < count, (folded[k] ? text[start + k] | 0x20 : text[start + k]) == literal[k] { k += 1 }
            if k == count { return true }
        }
        return false
    }

    /// No byte of `text` has its high bit set (eight bytes at a time).
    private static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return true }
        var i = 0
        while i + 8 <= text.count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < text.count {
            if text[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Every node a match must pass through in order is a `concat`'s child; runs of ASCII scalars
    /// there (zero-width assertions between them do not break a run) are candidates, and so is
    /// anything required inside a child that must occur at least once.
    private static func collect(_ node: PatternNode, into best: inout [(UInt8, Bool)]) {
        switch node {
        case .concat(let children):
            var run: [(UInt8, Bool)] = []
            for child in children {
                if let byte = asciiScalar(child) {
                    if run.count < maximumLength { run.append(byte) }
                    continue
                }
                if case .assertion = child { continue }
                if case .empty = child { continue }
                if run.count > best.count { best = run }
                run = []
                collect(child, into: &best)
            }
            if run.count > best.count { best = run }
        case .repeated(let body, let min, _) where min > 0:
            collect(body, into: &best)
        default:
            break
        }
    }

    /// An ASCII scalar node as a byte to compare: letters under `(?i)` lowercased and folded.
    private static func asciiScalar(_ node: PatternNode) -> (UInt8, Bool)? {
        guard case .scalar(let s, let fold) = node, s.isASCII else { return nil }
        let byte = UInt8(s.value)
        let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
        return fold && isLetter ? (byte | 0x20, true) : (byte, false)
    }
}
