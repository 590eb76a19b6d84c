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
        var text = text
        return text.withUTF8 { count(utf8: $0) }
    }

    /// The number of pieces in UTF-8 bytes.
    public static func count(utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        scan(utf8) { _ in n += 1 }
        return n
    }

    /// The pieces themselves, in order; joined, they give back `text` exactly.
    public static func split(_ text: String) -> [Substring] {
        var pieces: [Substring] = []
        var text = text
        let utf8 = text.utf8
        let base = utf8.startIndex
        text.withUTF8 { bytes in
            scan(bytes) { range in
                pieces.append(Substring(utf8[utf8.index(base, offsetBy: range.lowerBound)..<utf8.index(base, offsetBy: range.upperBound)]))
            }
        }
        return pieces
    }

    private enum Kind: UInt8 { case letter, digit, space, newline, other }

    /// Each byte's kind, looked up rather than worked out: the scan runs over every byte of every
    /// answer (a table lookup is a load; the range tests were a chain of compares).
    private static let kinds: [Kind] = (0...255).map { (b: Int) -> Kind in
        switch UInt8(b) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): .digit
        case UInt8(ascii: " "), UInt8(ascii: "\t"): .space
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): .newline
        default: .other
        }
    }

    /// Calls `body` with each piece's byte range in `utf8` (bytes, not `Character`s: this runs
    /// for every token of every answer).
    static func scan(_ utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        kinds.withUnsafeBufferPointer { kinds in scan(utf8, kinds, body) }
    }

    private static func scan(_ utf8: UnsafeBufferPointer<UInt8>, _ kinds: UnsafeBufferPointer<Kind>, _ body: (Range<Int>) -> Void) {
        func kind(_ b: UInt8) -> Kind { kinds[Int(b)] }
        var i = 0
        let end = utf8.count
        while i < end {
            let start = i
            var k = kind(utf8[i])
            // One space joins the piece that follows it, unless that is more white space.
            if k == .space {
                let following = i + 1 < end ? kind(utf8[i + 1]) : .space
                if following == .letter || following == .other, utf8[i] == UInt8(ascii: " ") {
                    i += 1
                    k = following
                }
            }
            switch k {
            case .letter:
                var j = i
                while j < end, kind(utf8[j]) == .letter { j += 1 }
                let length = j - i
                if length <= 8 {
                    body(start..<j)
                    i = j
                } else {
                    // Every 6 letters; the first piece keeps its leading space.
                    var pieceStart = start
                    var stop = i
                    while stop < j {
                        stop = min(stop + 6, j)
                        body(pieceStart..<stop)
                        pieceStart = stop
                    }
                    i = j
                }
            case .digit:
                var j = i
                while j < end, j - i < 3, kind(utf8[j]) == .digit { j += 1 }
                body(start..<j)
                i = j
            case .newline:
                var j = i
                while j < end, kind(utf8[j]) == .newline { j += 1 }
                body(start..<j)
                i = j
            case .space:
                var j = i
                while j < end, kind(utf8[j]) == .space { j += 1 }
                body(start..<j)
                i = j
            case .other:
                // One character: for non-ASCII, all bytes of its scalar.
                var j = i + 1
                while j < end, utf8[j] & 0xC0 == 0x80 { j += 1 }
                body(start..<j)
                i = j
            }
        }
    }
}
