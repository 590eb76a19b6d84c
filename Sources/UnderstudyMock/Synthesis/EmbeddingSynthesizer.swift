import UnderstudyContract

/// Deterministic embedding vectors: the same text gives the same vector (for a model and seed),
/// and texts that share words point in similar directions, so a retrieval test ranks the
/// document that shares the query's words first. Each vector is the sum of one seeded random
/// direction per distinct word (the first `maximumWords`), plus a little of the whole text's own,
/// scaled to unit length as OpenAI's are.
struct EmbeddingSynthesizer {
    /// Distinct words that shape a vector: bounds the work to inputs × words × dimensions.
    static let maximumWords = 32

    var model: String
    var seed: UInt64
    var dimensions: Int

    func vector(for text: String) -> [Float] {
        var sum = [Float](repeating: 0, count: dimensions)
        var seen: Set<String> = []
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where seen.count < Self.maximumWords {
            guard seen.insert(String(word)).inserted else { continue }
            add(direction(StableHash.hash(String(word))), weight: 1, to: &sum)
        }
        add(direction(StableHash.hash(text)), weight: seen.isEmpty ? 1 : 0.25, to: &sum)
        var length: Float = 0
        for x in sum { length += x * x }
        length = length.squareRoot()
        return sum.map { $0 / length }
    }

    /// Tokens given as integers (the API takes them): a text of their decimal spellings.
    func vector(forTokens tokens: [Int64]) -> [Float] {
        vector(for: tokens.map(String.init).joined(separator: " "))
    }

    private func direction(_ key: UInt64) -> SplitMix64 {
        SplitMix64(seed: StableHash.combine(key, StableHash.hash(model), seed, 0xE4B))
    }

    private func add(_ generator: SplitMix64, weight: Float, to sum: inout [Float]) {
        var g = generator
        for i in sum.indices {
            // Uniform in [-1, 1): enough for directions; the sum of several is near Gaussian.
            sum[i] += weight * (Float(g.next() >> 40) / Float(1 << 23) - 1)
        }
    }

    /// The vector as the API writes it: rounded floats, or base64 of little-endian float32s.
    static func write(_ vector: [Float], base64: Bool, to w: inout JSONWriter) {
        if base64 {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(vector.count * 4)
            for x in vector { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            w.string(Base64.encode(bytes))
            return
        }
        w.beginArray()
        for x in vector { w.double((Double(x) * 1e8).rounded() / 1e8) }
        w.endArray()
    }
}
