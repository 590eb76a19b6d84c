/// The day an exchange was recorded (UTC, `YYYY-MM-DD`): its response's `date` header, else the
/// body's `created` / `created_at` (a chat completion, a Response, a stream's first event).
enum RecordingDate {
    static func day(of exchange: Exchange) -> String? {
        if let header = exchange.response.header("date"), let day = fromHTTPDate(header) { return day }
        return fromBody(exchange.response.body)
    }

    /// `Wed, 02 Jul 2025 10:00:00 GMT` (RFC 9110's IMF-fixdate).
    static func fromHTTPDate(_ text: String) -> String? {
        let parts = text.split(separator: " ")
        guard parts.count >= 4, let day = Int(parts[1]), let year = Int(parts[3]),
              let month = months.firstIndex(of: String(parts[2])) else { return nil }
        return format(year: year, month: month + 1, day: day)
    }

    /// The first `created` or `created_at` (Unix seconds) in a JSON body or a stream's first events.
    static func fromBody(_ body: [UInt8]) -> String? {
        if let value = try? JSONParser.parse(body) { return created(value).map(fromUnix) }
        for event in SSEParser.events(body).prefix(2) {
            if let value = try? JSONParser.parse(event.data), let seconds = created(value) { return fromUnix(seconds) }
        }
        return nil
    }

    private static func created(_ value: JSONValue) -> Int64? {
        value["created"]?.integerValue ?? value["created_at"]?.integerValue ?? value["response"]?["created_at"]?.integerValue
    }

    /// Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
    static func fromUnix(_ seconds: Int64) -> String {
        let z = seconds / 86_400 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return format(year: Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), month: Int(month), day: Int(day))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func format(year: Int, month: Int, day: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}
