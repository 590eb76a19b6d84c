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

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `count` base-62 characters, as in `chatcmpl-…` ids.
    public mutating func base62(_ count: Int) -> String {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = Self.alphabet[Int(next() % 62)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` lowercase hex characters.
    public mutating func hex(_ count: Int) -> String {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = Self.hex[Int(next() & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }
}
