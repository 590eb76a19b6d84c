/// Splits a `text/event-stream` body into events by the WHATWG rules the SDKs follow: `event:`
/// and `data:` fields (data lines joined with newlines), `:` comments ignored, a blank line ends
/// an event. `Incremental` does it as bytes arrive (a proxy's stream); `events` on a whole body.
public enum SSEParser {
    public struct Event: Sendable, Equatable {
        public var type: String?
        public var data: String
    }

    public static func events(_ body: [UInt8]) -> [Event] {
        var parser = Incremental()
        return parser.feed(body) + parser.finish()
    }

    /// Feed it bytes in any pieces; it returns each event once its blank line has arrived.
    public struct Incremental: Sendable {
        private var line: [UInt8] = []
        private var type: String?
        private var data: [String] = []
        private var sawData = false

        public init() {}

        public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
            var events: [Event] = []
            for byte in bytes {
                if byte == 0x0A {
                    if let event = take(line) { events.append(event) }
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            }
            return events
        }

        /// The end of the body: an event without its final blank line still counts.
        public mutating func finish() -> [Event] {
            var events: [Event] = []
            if !line.isEmpty, let event = take(line) { events.append(event) }
            line.removeAll()
            if let event = dispatch() { events.append(event) }
            return events
        }

        /// Handles one line; a blank line dispatches the event it ends.
        private mutating func take(_ raw: [UInt8]) -> Event? {
            let bytes = raw.last == 0x0D ? raw.dropLast() : raw[...]
            if bytes.isEmpty { return dispatch() }
            if bytes.first == UInt8(ascii: ":") { return nil }
            let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
            let field = bytes[..<(colon ?? bytes.endIndex)]
            var value = colon.map { bytes[($0 + 1)...] } ?? bytes[bytes.endIndex...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
            if field.elementsEqual("event".utf8) {
                type = String(decoding: value, as: UTF8.self)
            } else if field.elementsEqual("data".utf8) {
                data.append(String(decoding: value, as: UTF8.self))
                sawData = true
            }
            return nil
        }

        private mutating func dispatch() -> Event? {
            defer {
                type = nil
                data = []
                sawData = false
            }
            return sawData ? Event(type: type, data: data.joined(separator: "\n")) : nil
        }
    }
}
