import UnderstudyContract

/// Calendar arithmetic in UTC without Foundation: dates in fixtures ("2025-07-14"), ISO-8601 clock
/// settings and HTTP dates, all computed the same way on every machine.
public enum UTCDate {
    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        CivilDate.civil(days: days)
    }

    /// Parses `YYYY-MM-DD` to Unix seconds at midnight UTC.
    public static func parseDay(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = number(parts[0].utf8), let m = number(parts[1].utf8), let d = number(parts[2].utf8),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        guard civil(days: days(year: y, month: m, day: d)) == (y, m, d) else { return nil }
        return Int64(days(year: y, month: m, day: d)) * 86_400
    }

    /// Parses an ISO-8601 instant: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` with an optional fraction
    /// (ignored) and `Z` or `±HH:MM`. Returns Unix seconds.
    public static func parseInstant(_ text: String) -> Int64? {
        if text.count == 10 { return parseDay(text) }
        let utf8 = Array(text.utf8)
        guard utf8.count >= 19, utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: " "),
              utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
              let day = parseDay(String(decoding: utf8[0..<10], as: UTF8.self)),
              let h = number(utf8[11..<13]), let mi = number(utf8[14..<16]), let s = number(utf8[17..<19]),
              h < 24, mi < 60, s < 61 else { return nil }
        var rest = utf8[19...]
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            while let c = rest.first, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { rest = rest.dropFirst() }
        }
        var offset = 0
        if rest.elementsEqual("Z".utf8) || rest.elementsEqual("z".utf8) {
            offset = 0
        } else if rest.count == 6, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"),
                  rest[rest.startIndex + 3] == UInt8(ascii: ":"),
                  let oh = number(rest.dropFirst().prefix(2)), let om = number(rest.suffix(2)), oh < 24, om < 60 {
            offset = (oh * 3600 + om * 60) * (rest.first == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        return day + Int64(h * 3600 + mi * 60 + s - offset)
    }

    /// `YYYY-MM-DD` for Unix seconds.
    public static func dayString(_ seconds: Int64) -> String {
        let (y, m, d) = civil(days: Int(seconds.floorDivided(by: 86_400)))
        return "\(pad4(y))-\(pad2(m))-\(pad2(d))"
    }

    /// An RFC 9110 IMF-fixdate, as in the HTTP `Date` and `Sunset` headers.
    public static func httpDate(_ seconds: Int64) -> String {
        let days = Int(seconds.floorDivided(by: 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civil(days: days)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
        return "\(weekday), \(pad2(d)) \(month) \(pad4(y)) \(pad2(secondOfDay / 3600)):\(pad2(secondOfDay / 60 % 60)):\(pad2(secondOfDay % 60)) GMT"
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// A year as four digits (`0999`), as IMF-fixdate and ISO 8601 write it.
    private static func pad4(_ v: Int) -> String {
        let digits = String(v)
        return v >= 0 && digits.count < 4 ? String(repeating: "0", count: 4 - digits.count) + digits : digits
    }

    /// The number a field's ASCII digits spell, every byte a digit (`Int()` would take a sign:
    /// `+1`, `-1`). The fields are at most four digits long.
    private static func number(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
