import Testing
@testable import UnderstudyMock

@Suite("Token estimator")
struct TokenEstimatorTests {
    @Test("pieces rebuild the text and follow the documented rules", arguments: [
        ("Hello", ["Hello"]),
        ("Hello, world!", ["Hello", ",", " world", "!"]),
        ("In 2024 we paid 1234567", ["In", " ", "202", "4", " we", " paid", " ", "123", "456", "7"]),
        ("internationalization", ["intern", "ationa", "lizati", "on"]),
        (" a  b\n\nc", [" a", "  ", "b", "\n\n", "c"]),
        ("héllo", ["h", "é", "llo"]),
    ])
    func pieces(text: String, expected: [String]) {
        let pieces = TokenPieces.split(text).map(String.init)
        #expect(pieces == expected)
        #expect(pieces.joined() == text)
        #expect(TokenPieces.count(text) == expected.count)
    }

    @Test("prompt counting adds OpenAI's per-message framing")
    func framing() {
        let one = [ChatMessage(role: "user", name: nil, parts: [.text("Hello")], toolCallText: "", toolCallID: nil)]
        #expect(PromptTokenEstimator.count(one).total == 3 + 1 + 1 + 3)
        let named = [ChatMessage(role: "user", name: "ann", parts: [.text("Hello")], toolCallText: "", toolCallID: nil)]
        #expect(PromptTokenEstimator.count(named).total == 3 + 1 + 1 + 1 + 1 + 3)
    }

    @Test("image cost depends on detail and on the size read from a data URL")
    func images() {
        #expect(PromptTokenEstimator.imageTokens(url: "https://example.com/a.png", detail: "low") == 85)
        #expect(PromptTokenEstimator.imageTokens(url: "https://example.com/a.png", detail: "high") == 765)
        // A 1x1 PNG: one tile.
        let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        #expect(PromptTokenEstimator.imageTokens(url: png, detail: "auto") == 85 + 170)
        // A 4096x2048 GIF header: fitted to 2048x1024, short side to 768 → 1536x768 → 3x2 tiles.
        let gif: [UInt8] = Array("GIF89a".utf8) + [0x00, 0x10, 0x00, 0x08] + [UInt8](repeating: 0, count: 8)
        #expect(ImageSize.sniff(gif)! == (4096, 2048))
    }

    @Test("audio cost comes from the WAV header's byte rate")
    func audio() {
        // 44-byte WAV header claiming 32,000 bytes/s, then 64,000 bytes: 2 s → 20 tokens.
        var header: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEfmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0]
        header += [0x80, 0x3E, 0, 0] + [0x00, 0x7D, 0, 0] + [2, 0, 16, 0] + Array("data".utf8) + [0, 0, 0, 0]
        let bytes = header + [UInt8](repeating: 0, count: 64_000 - header.count)
        let tokens = PromptTokenEstimator.audioTokens(base64: base64(bytes), format: "wav")
        #expect(tokens == 20)
    }

    func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let chunk = Array(bytes[i..<min(i + 3, bytes.count)])
            let n = chunk.count
            let v = (UInt32(chunk[0]) << 16) | (n > 1 ? UInt32(chunk[1]) << 8 : 0) | (n > 2 ? UInt32(chunk[2]) : 0)
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : "=")
            out.append(n > 2 ? alphabet[Int(v & 63)] : "=")
            i += 3
        }
        return out
    }
}
