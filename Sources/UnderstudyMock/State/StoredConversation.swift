import UnderstudyContract

/// A conversation (the Conversations API, and the `conversation` of a Responses request): its
/// metadata and items, oldest first, the items held as their JSON text so that a page of them
/// is read without the rest. One conversation may hold at most the store's byte limit.
struct StoredConversation: StoredRecord {
    static let kind = "conversation"
    var id: String
    var createdAt: Int64
    var metadata: JSONObject
    /// The items as listed, each with its `id`, oldest first.
    var items: EncodedItems

    /// What it holds: the items' texts, the metadata (parsed: about twice its text, and a string's
    /// header per member) and the small fields. Kept as the items change, never recomputed.
    var bytes: Int { 256 + 2 * JSONValue.object(metadata).jsonBytes.count + 64 * metadata.count + items.bytes }

    init(id: String, createdAt: Int64, metadata: JSONObject, items: EncodedItems) {
        self.id = id
        self.createdAt = createdAt
        self.metadata = metadata
        self.items = items
    }

    func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: items.bytes + 256)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("created_at"); w.int(createdAt)
        w.key("metadata"); w.value(.object(metadata))
        w.key("items"); w.raw(items.jsonArray)
        w.endObject()
        return w.bytes
    }

    init?(encoded: [UInt8]) {
        guard let v = RecordCoding.parse(encoded), let id = v["id"]?.stringValue, let createdAt = v["created_at"]?.integerValue,
              let metadata = v["metadata"]?.objectValue, let items = v["items"]?.arrayValue else { return nil }
        self.init(id: id, createdAt: createdAt, metadata: metadata, items: EncodedItems(items))
    }
}
