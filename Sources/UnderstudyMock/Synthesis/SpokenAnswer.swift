import UnderstudyContract

/// The audio part an audio model (`gpt-4o-audio-preview`…) answers with when a request asks for
/// `modalities: ["text", "audio"]`: a valid 24 kHz mono 16-bit WAV (a soft tone per token,
/// deterministic in the text) and its transcript. `format: pcm16` gets the samples without the
/// WAV header; every other format gets WAV bytes too (the mock does not encode mp3, opus, flac or
/// aac).
struct SpokenAnswer: Sendable {
    var id: String
    /// Base64 of the audio bytes.
    var data: String
    var expiresAt: Int64
    var transcript: String

    static let sampleRate = 24_000
    /// Seconds of audio per token of transcript (about 150 words a minute).
    static let secondsPerToken = 0.3

    static func make(transcript: String, tokens: Int, format: String, id: String, now: Int64) -> SpokenAnswer {
        let samples = Int(Double(max(1, tokens)) * secondsPerToken * Double(sampleRate))
        var pcm: [UInt8] = []
        pcm.reserveCapacity(samples * 2)
        let perToken = max(1, Int(secondsPerToken * Double(sampleRate)))
        let hash = StableHash.hash(transcript)
        for i in 0..<samples {
            let token = i / perToken
            // A different pitch per token, faded in and out so the joins do not click.
            let pitch = 180 + Double((hash >> UInt64(token % 48)) & 0x7F)
            let position = Double(i % perToken) / Double(perToken)
            let envelope = min(1, min(position, 1 - position) * 8)
            let value = Int16(2_000 * envelope * Self.sine(2 * Double.pi * pitch * Double(i) / Double(sampleRate)))
            pcm.append(UInt8(truncatingIfNeeded: value))
            pcm.append(UInt8(truncatingIfNeeded: value >> 8))
        }
        let bytes = format == "pcm16" ? pcm : wav(pcm)
        return SpokenAnswer(id: id, data: Base64.encode(bytes), expiresAt: now + 3_600, transcript: transcript)
    }

    /// A sine without Foundation: the argument reduced to [-π, π], then a Taylor series.
    static func sine(_ x: Double) -> Double {
        var y = x.truncatingRemainder(dividingBy: 2 * Double.pi)
        if y > Double.pi { y -= 2 * Double.pi }
        if y < -Double.pi { y += 2 * Double.pi }
        let y2 = y * y
        return y * (1 - y2 / 6 * (1 - y2 / 20 * (1 - y2 / 42 * (1 - y2 / 72 * (1 - y2 / 110)))))
    }

    /// RIFF/WAVE: PCM, mono, 16-bit, `sampleRate`.
    static func wav(_ pcm: [UInt8]) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        var out = Array("RIFF".utf8) + le32(36 + pcm.count) + Array("WAVEfmt ".utf8)
        out += le32(16) + le16(1) + le16(1) + le32(sampleRate) + le32(sampleRate * 2) + le16(2) + le16(16)
        out += Array("data".utf8) + le32(pcm.count)
        return out + pcm
    }
}
