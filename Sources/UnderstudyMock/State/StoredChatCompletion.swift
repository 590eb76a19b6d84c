import UnderstudyContract

/// A chat completion created with `store: true`: listed, retrieved, updated (metadata), deleted,
/// and its request messages listed, as the stored-completions endpoints do. The completion and
/// the messages are held as their JSON text (what a read writes out), never as parsed values.
struct StoredChatCompletion: StoredRecord {
    static let kind = "chat_completion"
    var id: String
    var created: Int64
    /// The `model` the completion reports (the dated snapshot).
    var model: String
    /// The request's (or the last update's), checked: at most 16 pairs of short strings.
    var metadata: JSONObject
    /// The completion as served (a JSON object), without its `metadata`.
    var completion: [UInt8]
    /// The request's messages, as listed by GET …/{id}/messages.
    var messages: EncodedItems

    /// What it holds: the texts, the metadata (parsed: about twice its text, and a string's header
    /// per member) and the small fields.
    var bytes: Int {
        256 + id.utf8.count + model.utf8.count + completion.count + messages.bytes
            + 2 * JSONValue.object(metadata).jsonBytes.count + 64 * metadata.count
    }

    init(id: String, created: Int64, model: String, metadata: JSONObject, completion: [UInt8], messages: EncodedItems) {
        self.id = id
        self.created = created
        self.model = model
        self.metadata = metadata
        self.completion = completion.trimmed
        self.messages = messages
    }

    /// The stored object as retrieved and listed: the completion with its `metadata` (the live
    /// API's stored completions carry it; the SDK's ChatCompletion has the field).
    var object: [UInt8] {
        guard completion.last == UInt8(ascii: "}") else { return completion }
        var bytes = Array(completion.dropLast())
        bytes.append(contentsOf: #","metadata":"#.utf8)
        bytes.append(contentsOf: JSONValue.object(metadata).jsonBytes)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: completion.count + messages.bytes + 256)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("created"); w.int(created)
        w.key("model"); w.string(model)
        w.key("metadata"); w.value(.object(metadata))
        w.key("completion"); w.raw(completion)
        w.key("messages"); w.raw(messages.jsonArray)
        w.endObject()
        return w.bytes
    }

    init?(encoded: [UInt8]) {
        guard let v = RecordCoding.parse(encoded), let id = v["id"]?.stringValue, let created = v["created"]?.integerValue,
              let model = v["model"]?.stringValue, let metadata = v["metadata"]?.objectValue, let completion = v["completion"],
              let messages = v["messages"]?.arrayValue else { return nil }
        self.init(id: id, created: created, model: model, metadata: metadata, completion: completion.jsonBytes, messages: EncodedItems(messages))
    }
}
