/// Base64 without Foundation (standard and URL-safe alphabets): image and audio payloads in data
/// URLs, HAR bodies. White space is skipped; decoding stops at padding or any other character.
public enum Base64 {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// The whole payload decoded.
    public static func decode(_ text: some StringProtocol) -> [UInt8] {
        decodePrefix(text, limit: Int.max)
    }

    /// At most `limit` bytes from the start of `text` (enough to read a file's header).
    public static func decodePrefix(_ text: some StringProtocol, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, text.utf8.count * 3 / 4))
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            if c == 0x0A || c == 0x0D || c == 0x20 || c == 0x09 { continue }
            let v = table[Int(c)]
            if v == 0xFF { break }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
                if out.count >= limit { break }
            }
        }
        return out
    }

    /// The decoded length of a base64 payload, from its length alone.
    public static func decodedLength(_ text: some StringProtocol) -> Int {
        var padding = 0
        for c in text.utf8.reversed() {
            guard c == UInt8(ascii: "=") else { break }
            padding += 1
        }
        return (text.utf8.count - padding) * 3 / 4
    }

    /// Standard base64 with padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        if i < bytes.count {
            let rest = bytes.count - i
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], rest == 2 ? table[Int(n >> 6 & 63)] : UInt8(ascii: "="), UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
