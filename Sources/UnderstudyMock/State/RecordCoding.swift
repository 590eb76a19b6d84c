import UnderstudyContract

/// JSON forms of the values records hold, for a state outside the process. Internal to the
/// server: nothing a client sees is written this way.
enum RecordCoding {
    /// Levels a record adds around what a client sent (`{"body": …}`, `{"items": [ … ]}`): a
    /// record is read back with this much more depth than a request is, so whatever was accepted
    /// can always be read again.
    static let wrapping = 8

    /// A record's JSON; nil if it is not JSON or nested deeper than any record is.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes, maximumDepth: JSONParser.defaultMaximumDepth + wrapping)
    }

    /// The largest count a record holds (tokens, polls): far above any a server writes, far below
    /// an overflow when counts are added up. A record read from a shared state is input.
    static let countLimit: Int64 = 1 << 40

    /// A count in 0…`limit`, else nil.
    static func count(_ v: JSONValue?, limit: Int64 = countLimit) -> Int? {
        guard let n = v?.integerValue, n >= 0, n <= limit else { return nil }
        return Int(n)
    }

    static func usage(_ u: Usage) -> JSONValue {
        .array([u.promptTokens, u.completionTokens, u.cachedTokens, u.promptAudioTokens, u.reasoningTokens].map { .int(Int64($0)) })
    }

    static func usage(_ v: JSONValue) -> Usage? {
        guard let items = v.arrayValue, items.count == 5 else { return nil }
        let n = items.compactMap { count($0) }
        guard n.count == 5 else { return nil }
        return Usage(promptTokens: n[0], completionTokens: n[1], cachedTokens: n[2], promptAudioTokens: n[3], reasoningTokens: n[4])
    }

    /// Stream pieces as their UTF-8 lengths (they tile the text).
    static func pieceLengths(_ pieces: [Substring]) -> JSONValue {
        .array(pieces.map { .int(Int64($0.utf8.count)) })
    }

    static func pieces(of text: String, lengths: JSONValue?) -> [Substring]? {
        guard let lengths = lengths?.arrayValue else { return nil }
        var pieces: [Substring] = []
        var start = text.startIndex
        for length in lengths {
            guard let n = length.integerValue, n >= 0,
                  let end = text.utf8.index(start, offsetBy: Int(n), limitedBy: text.endIndex) else { return nil }
            pieces.append(text[start..<end])
            start = end
        }
        return pieces
    }

    static func message(_ m: ChatMessage) -> JSONValue {
        let parts: [JSONValue] = m.parts.map { part in
            switch part {
            case .text(let t): .array([.string("text"), .string(t)])
            case .image(let url, let detail): .array([.string("image"), .string(url), .string(detail)])
            case .audio(let data, let format): .array([.string("audio"), .string(data), .string(format)])
            case .file(let data, let id, let name):
                .array([.string("file")] + [data, id, name].map { $0.map(JSONValue.string) ?? .null })
            case .video(let url): .array([.string("video"), .string(url)])
            }
        }
        return .object(JSONObject([
            ("role", .string(m.role)), ("name", m.name.map(JSONValue.string) ?? .null), ("parts", .array(parts)),
            ("tool_call_text", .string(m.toolCallText)), ("tool_call_id", m.toolCallID.map(JSONValue.string) ?? .null),
        ]))
    }

    static func message(_ v: JSONValue) -> ChatMessage? {
        guard let role = v["role"]?.stringValue, let list = v["parts"]?.arrayValue, let toolCallText = v["tool_call_text"]?.stringValue else {
            return nil
        }
        var parts: [ContentPart] = []
        for p in list {
            guard let a = p.arrayValue, let kind = a.first?.stringValue else { return nil }
            let s = a.dropFirst().map(\.stringValue)
            switch (kind, s.count) {
            case ("text", 1): parts.append(.text(s[0] ?? ""))
            case ("image", 2): parts.append(.image(url: s[0] ?? "", detail: s[1] ?? ""))
            case ("audio", 2): parts.append(.audio(data: s[0] ?? "", format: s[1] ?? ""))
            case ("file", 3): parts.append(.file(data: s[0], id: s[1], name: s[2]))
            case ("video", 1): parts.append(.video(url: s[0] ?? ""))
            default: return nil
            }
        }
        return ChatMessage(role: role, name: v["name"]?.stringValue, parts: parts, toolCallText: toolCallText, toolCallID: v["tool_call_id"]?.stringValue)
    }
}
