import UnderstudyContract

/// A conversation (the Conversations API, and the `conversation` of a Responses request): its
/// metadata and items, oldest first. One conversation may hold at most the store's byte limit.
struct StoredConversation: StoredRecord {
    static let kind = "conversation"
    var id: String
    var createdAt: Int64
    var metadata: JSONObject
    /// The items as listed, each with its `id`, oldest first.
    var items: [JSONValue]

    var bytes: Int { 256 + JSONValue.object(metadata).jsonBytes.count + items.reduce(0) { $0 + $1.jsonBytes.count } }

    init(id: String, createdAt: Int64, metadata: JSONObject, items: [JSONValue]) {
        self.id = id
        self.createdAt = createdAt
        self.metadata = metadata
        self.items = items
    }

    func encoded() -> [UInt8] {
        JSONValue.object(JSONObject([
            ("id", .string(id)), ("created_at", .int(createdAt)), ("metadata", .object(metadata)), ("items", .array(items)),
        ])).jsonBytes
    }

    init?(encoded: [UInt8]) {
        guard let v = RecordCoding.parse(encoded), let id = v["id"]?.stringValue, let createdAt = v["created_at"]?.integerValue,
              let metadata = v["metadata"]?.objectValue, let items = v["items"]?.arrayValue else { return nil }
        self.init(id: id, createdAt: createdAt, metadata: metadata, items: items)
    }
}
