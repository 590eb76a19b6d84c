/// The mock's tokenizer: a deterministic approximation of OpenAI's byte-pair encodings (cl100k and
/// o200k) that needs no vocabulary file. A text splits into pieces; each piece counts as one token
/// and each streamed content delta carries one piece, so `completion_tokens` always equals the
/// number of content deltas.
///
/// The rules, in order:
/// - a run of ASCII letters, with at most one space before it, is one piece; a run longer than
///   8 letters is split every 6 (long words cost more tokens, as in BPE);
/// - digits go in groups of at most 3, without the space before them (as cl100k and o200k split
///   numbers);
/// - every other non-space character (punctuation, symbols, each non-ASCII character) is one
///   piece, taking one space before it with it;
/// - a run of line breaks is one piece; other white space left over is one piece per run.
///
/// English prose comes out near 1.3 pieces per word, close to the real encoders.
public enum TokenPieces {
    /// The number of pieces (tokens) in `text`.
    public static func count(_ text: String) -> Int {
        var n = 0
        scan(text) { _ in n += 1 }
        return n
    }

    /// The pieces themselves, in order; joined, they give back `text` exactly.
    public static func split(_ text: String) -> [Substring] {
        var pieces: [Substring] = []
        let utf8 = text.utf8
        scan(text) { range in
            pieces.append(Substring(utf8[range]))
        }
        return pieces
    }

    private enum Kind { case letter, digit, space, newline, other }

    private static func kind(_ b: UInt8) -> Kind {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): .digit
        case UInt8(ascii: " "), UInt8(ascii: "\t"): .space
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): .newline
        default: .other
        }
    }

    /// Calls `body` with each piece's byte range in `text.utf8`.
    static func scan(_ text: String, _ body: (Range<String.UTF8View.Index>) -> Void) {
        let utf8 = text.utf8
        var i = utf8.startIndex
        let end = utf8.endIndex
        while i < end {
            let start = i
            var k = kind(utf8[i])
            // One space joins the piece that follows it, unless that is more white space.
            if k == .space {
                let next = utf8.index(after: i)
                let following = next < end ? kind(utf8[next]) : .space
                if following == .letter || following == .other, utf8[i] == UInt8(ascii: " ") {
                    i = next
                    k = kind(utf8[i])
                }
            }
            switch k {
            case .letter:
                var length = 0
                var j = i
                while j < end, kind(utf8[j]) == .letter { j = utf8.index(after: j); length += 1 }
                if length <= 8 {
                    body(start..<j)
                    i = j
                } else {
                    var pieceStart = start
                    var taken = 0
                    while taken < length {
                        let step = min(6, length - taken)
                        var stop = pieceStart == start ? i : pieceStart
                        for _ in 0..<step { stop = utf8.index(after: stop) }
                        body(pieceStart..<stop)
                        pieceStart = stop
                        taken += step
                    }
                    i = pieceStart
                }
            case .digit:
                var j = i
                var length = 0
                while j < end, length < 3, kind(utf8[j]) == .digit { j = utf8.index(after: j); length += 1 }
                body(start..<j)
                i = j
            case .newline:
                var j = i
                while j < end, kind(utf8[j]) == .newline { j = utf8.index(after: j) }
                body(start..<j)
                i = j
            case .space:
                var j = i
                while j < end, kind(utf8[j]) == .space { j = utf8.index(after: j) }
                body(start..<j)
                i = j
            case .other:
                // One character: for non-ASCII, all bytes of its scalar.
                var j = utf8.index(after: i)
                while j < end, utf8[j] & 0xC0 == 0x80 { j = utf8.index(after: j) }
                body(start..<j)
                i = j
            }
        }
    }
}
