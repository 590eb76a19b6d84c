/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64). Seeded from `StableHash`,
/// it gives the same sequence on every machine: never `SystemRandomNumberGenerator` on an output path.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `range`, without `Int.random(in:using:)` so the mapping is fixed here, not by the
    /// standard library's implementation.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    public mutating func pick<T>(_ items: [T]) -> T {
        items[int(in: 0...(items.count - 1))]
    }

    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    private static let hexDigits: StaticString = "0123456789abcdef"

    /// `prefix`, then `count` base-62 characters, as in `chatcmpl-…` ids.
    public mutating func base62(_ count: Int, after prefix: StaticString = "") -> String {
        var generator = self
        defer { self = generator }
        return Self.text(count, after: prefix) { characters in
            let digits = Self.alphabet.utf8Start
            for i in 0..<count { characters[i] = digits[Int(generator.next() % 62)] }
        }
    }

    /// Fills `characters` with base-62 characters: the same ones, drawn the same way, as `base62`.
    public mutating func base62(into characters: UnsafeMutableBufferPointer<UInt8>) {
        let digits = Self.alphabet.utf8Start
        for i in characters.indices { characters[i] = digits[Int(next() % 62)] }
    }

    /// `prefix`, then `count` lowercase hex characters.
    public mutating func hex(_ count: Int, after prefix: StaticString = "") -> String {
        var generator = self
        defer { self = generator }
        return Self.text(count, after: prefix) { characters in
            let digits = Self.hexDigits.utf8Start
            for i in 0..<count { characters[i] = digits[Int(generator.next() % 16)] }
        }
    }

    /// `prefix` and `count` characters drawn by `draw`, written straight into the string's storage:
    /// an id is made for every answer, and a byte array, a string of it and a concatenation cost
    /// three allocations. Character i is `table[next() % modulus]`, drawn in order (ids depend on
    /// it); each caller writes its modulus as a literal, so that it is a multiplication: passed in,
    /// it was a 64-bit division per character (~40 cycles; two ids an answer).
    private static func text(_ count: Int, after prefix: StaticString, _ draw: (UnsafeMutablePointer<UInt8>) -> Void) -> String {
        let start = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: start + count) { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            base.initialize(from: prefix.utf8Start, count: start)
            draw(base + start)
            return start + count
        }
    }
}
