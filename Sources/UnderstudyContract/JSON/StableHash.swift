/// FNV-1a over bytes, finished with a SplitMix64 mix so that nearby inputs spread over all 64 bits.
/// Stable across processes and machines: use it wherever a hash can reach output or ids.
public enum StableHash {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    @usableFromInline static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// Hashes any byte sequence; contiguous ones (arrays, native strings' UTF-8) take a fast path.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        if let h = bytes.withContiguousStorageIfAvailable({ hash(buffer: $0, seed: seed) }) { return h }
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h &*= prime
        }
        return mix(h)
    }

    public static func hash(buffer: UnsafeBufferPointer<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for b in buffer {
            h ^= UInt64(b)
            h &*= prime
        }
        return mix(h)
    }

    public static func hash(_ string: String, seed: UInt64 = offsetBasis) -> UInt64 {
        var string = string
        return string.withUTF8 { hash(buffer: $0, seed: seed) }
    }

    /// Combines hashes order-sensitively.
    public static func combine(_ values: UInt64...) -> UInt64 {
        var h = offsetBasis
        for v in values {
            h = mix(h ^ v) &+ 0x9E37_79B9_7F4A_7C15
        }
        return mix(h)
    }

    /// SplitMix64's finaliser.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
