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
        characters(count, after: prefix, from: Self.alphabet, modulus: 62)
    }

    /// `prefix`, then `count` lowercase hex characters.
    public mutating func hex(_ count: Int, after prefix: StaticString = "") -> String {
        characters(count, after: prefix, from: Self.hexDigits, modulus: 16)
    }

    /// Written straight into the string's storage: an id is made for every answer, and a byte
    /// array, a string of it and a concatenation cost three allocations. Character i is
    /// `table[next() % modulus]`, drawn in order (ids depend on it).
    private mutating func characters(_ count: Int, after prefix: StaticString, from table: StaticString, modulus: UInt64) -> String {
        let start = prefix.utf8CodeUnitCount
        let digits = table.utf8Start
        var generator = self
        let text = String(unsafeUninitializedCapacity: start + count) { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            base.initialize(from: prefix.utf8Start, count: start)
            for i in 0..<count { base[start + i] = digits[Int(generator.next() % modulus)] }
            return start + count
        }
        self = generator
        return text
    }
}
