import UnderstudyContract

/// A JSON Schema that the messages carry in their text, which a model follows as it would a
/// `response_format`: instructor's JSON mode puts "…json that match the following json_schema:
/// {…}" in the system prompt (with `response_format: json_object`), its MD_JSON mode the same
/// and asks for the answer "within a ```json codeblock" (with no response_format).
enum PromptedSchema {
    /// Texts longer than this are not searched (a schema is a system prompt's, not a document's).
    static let maximumText = 64 * 1024
    /// Candidate objects tried per message.
    static let maximumAttempts = 8

    /// The first schema found in the system, developer and user messages, and whether the
    /// messages ask for the JSON in a fenced block.
    static func find(in messages: [ChatMessage]) -> (schema: JSONValue, fenced: Bool)? {
        let texts = messages.filter { $0.role != "assistant" && $0.role != "tool" }.map(\.text)
        guard texts.contains(where: { Self.mentionsSchema($0) }) else { return nil }
        for text in texts where text.utf8.count <= maximumText {
            guard let schema = firstSchema(in: Array(text.utf8)) else { continue }
            let fenced = texts.contains { $0.contains("```json") || $0.lowercased().contains("codeblock") || $0.lowercased().contains("code block") }
            return (schema, fenced)
        }
        return nil
    }

    /// The first balanced `{…}` in `bytes` that parses as an object schema (`properties`, and
    /// `type: object` or `required`).
    static func firstSchema(in bytes: [UInt8]) -> JSONValue? {
        var attempts = 0
        var start = 0
        while attempts < maximumAttempts, let open = bytes[start...].firstIndex(of: UInt8(ascii: "{")) {
            attempts += 1
            guard let close = matchingBrace(bytes, from: open) else { return nil }
            if let value = try? JSONParser.parse(Array(bytes[open...close])), let object = value.objectValue,
               object["properties"]?.objectValue != nil, object["type"] == .string("object") || object["required"] != nil {
                return value
            }
            start = open + 1
        }
        return nil
    }

    /// The index of the `}` that closes the `{` at `open`, strings and escapes skipped.
    private static func matchingBrace(_ bytes: [UInt8], from open: Int) -> Int? {
        var depth = 0
        var inString = false
        var i = open
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    /// Whether `text` says "schema" in any case: over its bytes, as every chat request asks this of
    /// every message (a lowercased copy and a Unicode search were 7% of a distinct request's
    /// time). The same answer as `lowercased().contains("schema")`: no other character lowercases
    /// to one of these letters.
    static func mentionsSchema(_ text: String) -> Bool {
        let needle: [UInt8] = Array("schema".utf8)
        func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard bytes.count >= needle.count else { return false }
            outer: for start in 0...(bytes.count - needle.count) {
                for (offset, letter) in needle.enumerated() where bytes[start + offset] | 0x20 != letter { continue outer }
                return true
            }
            return false
        }
        return text.utf8.withContiguousStorageIfAvailable(search) ?? Array(text.utf8).withUnsafeBufferPointer(search)
    }
}
