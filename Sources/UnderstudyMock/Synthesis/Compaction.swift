import UnderstudyContract

/// What POST /v1/responses/compact hands back in place of a long conversation: the user's
/// messages kept, and one `compaction` item whose `encrypted_content` stands for the rest. The
/// live API's content is opaque; ours is a marked base64 of the conversation's text, so a next
/// turn that sends the item back is billed for what it carries.
enum Compaction {
    static let marker = "understudy-compaction-1."

    static func encryptedContent(for messages: [ChatMessage]) -> String {
        let text = messages.map { "\($0.role): \($0.text)\($0.toolCallText)" }.joined(separator: "\n")
        return marker + Base64.encode(Array(text.utf8))
    }

    /// The conversation text an item of ours carries; nil for anyone else's (opaque) content.
    static func transcript(_ content: String) -> String? {
        guard content.hasPrefix(marker) else { return nil }
        let bytes = Base64.decode(content.dropFirst(marker.count))
        return bytes.isEmpty ? nil : "Earlier conversation (compacted):\n" + String(decoding: bytes, as: UTF8.self)
    }
}
