/// The formats the validator checks (others are annotations, as JSON Schema allows):
/// date-time and date (RFC 3339), time, email (one @, a dot in the domain), uri (a scheme),
/// uuid, and the numeric int32/int64 ranges.
enum FormatChecks {
    static func check(_ s: String, _ format: Schema.Format) -> Bool {
        let b = Array(s.utf8)
        switch format {
        case .date: return isDate(b[...])
        case .time: return isTime(b[...])
        case .dateTime:
            guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " ") else { return false }
            return isDate(b[0..<10]) && isTime(b[11...])
        case .email:
            guard let at = b.firstIndex(of: UInt8(ascii: "@")), at > 0, b.lastIndex(of: UInt8(ascii: "@")) == at else { return false }
            let domain = b[(at + 1)...]
            return domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
        case .uri:
            guard let colon = b.firstIndex(of: UInt8(ascii: ":")), colon > 0, isAlpha(b[0]) else { return false }
            return b[1..<colon].allSatisfy { isAlpha($0) || isDigit($0) || $0 == 43 || $0 == 45 || $0 == 46 }
                && !b.contains(where: { $0 == 32 })
        case .uuid:
            guard b.count == 36 else { return false }
            return b.enumerated().allSatisfy { i, c in [8, 13, 18, 23].contains(i) ? c == 45 : isHex(c) }
        case .int32, .int64: return true
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) }

    static func digits(_ b: ArraySlice<UInt8>, _ from: Int, _ count: Int) -> Int? {
        let start = b.startIndex + from
        guard start + count <= b.endIndex else { return nil }
        var v = 0
        for c in b[start..<(start + count)] {
            guard isDigit(c) else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    static func isDate(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.count == 10, b[b.startIndex + 4] == 45, b[b.startIndex + 7] == 45,
              let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2), (1...12).contains(m) else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d >= 1 && d <= days
    }

    static func isTime(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.count >= 9, b[b.startIndex + 2] == 58, b[b.startIndex + 5] == 58,
              let h = digits(b, 0, 2), let m = digits(b, 3, 2), let s = digits(b, 6, 2), h < 24, m < 60, s < 61 else { return false }
        var rest = b.dropFirst(8)
        if rest.first == 46 {
            rest = rest.dropFirst()
            guard let f = rest.first, isDigit(f) else { return false }
            while let f = rest.first, isDigit(f) { rest = rest.dropFirst() }
        }
        if rest.count == 1, rest.first.map({ $0 | 0x20 }) == UInt8(ascii: "z") { return true }
        guard rest.count == 6, rest.first == 43 || rest.first == 45, rest[rest.startIndex + 3] == 58,
              let oh = digits(rest, 1, 2), let om = digits(rest, 4, 2) else { return false }
        return oh < 24 && om < 60
    }
}
