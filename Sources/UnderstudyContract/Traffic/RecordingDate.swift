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
        return CivilDate.dayString(year: year, month: month + 1, day: day)
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

    /// `YYYY-MM-DD` of Unix seconds (a recording's `created` is never before 1970).
    static func fromUnix(_ seconds: Int64) -> String {
        let date = CivilDate.civil(days: Int(max(0, seconds) / 86_400))
        return CivilDate.dayString(year: date.year, month: date.month, day: date.day)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
