/// Splits a `text/event-stream` body into events by the WHATWG rules the SDKs follow: `event:`
/// and `data:` fields (data lines joined with newlines), `:` comments ignored, a blank line ends
/// an event.
public enum SSEParser {
    public struct Event: Sendable, Equatable {
        public var type: String?
        public var data: String
    }

    public static func events(_ body: [UInt8]) -> [Event] {
        let text = String(decoding: body, as: UTF8.self)
        var events: [Event] = []
        var type: String?
        var data: [Substring] = []
        var sawData = false
        func dispatch() {
            if sawData { events.append(Event(type: type, data: data.joined(separator: "\n"))) }
            type = nil
            data = []
            sawData = false
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty {
                dispatch()
                continue
            }
            if line.hasPrefix(":") { continue }
            let colon = line.firstIndex(of: ":")
            let field = colon.map { line[..<$0] } ?? line
            var value = colon.map { line[line.index(after: $0)...] } ?? ""
            if value.hasPrefix(" ") { value = value.dropFirst() }
            switch field {
            case "event": type = String(value)
            case "data":
                data.append(value)
                sawData = true
            default: break
            }
        }
        dispatch()
        return events
    }
}
