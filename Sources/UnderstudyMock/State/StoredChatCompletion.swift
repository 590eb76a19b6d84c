import UnderstudyContract

/// A chat completion created with `store: true`: listed, retrieved, updated (metadata), deleted,
/// and its request messages listed, as the stored-completions endpoints do.
struct StoredChatCompletion: StoredRecord {
    static let kind = "chat_completion"
    var id: String
    var created: Int64
    /// The `model` the completion reports (the dated snapshot).
    var model: String
    var metadata: JSONObject
    /// The completion as served.
    var completion: JSONValue
    /// The request's messages, as listed by GET …/{id}/messages.
    var messages: [JSONValue]

    var bytes: Int { 256 + completion.jsonBytes.count + messages.reduce(0) { $0 + $1.jsonBytes.count } }

    init(id: String, created: Int64, model: String, metadata: JSONObject, completion: JSONValue, messages: [JSONValue]) {
        self.id = id
        self.created = created
        self.model = model
        self.metadata = metadata
        self.completion = completion
        self.messages = messages
    }

    func encoded() -> [UInt8] {
        JSONValue.object(JSONObject([
            ("id", .string(id)), ("created", .int(created)), ("model", .string(model)), ("metadata", .object(metadata)),
            ("completion", completion), ("messages", .array(messages)),
        ])).jsonBytes
    }

    init?(encoded: [UInt8]) {
        guard let v = RecordCoding.parse(encoded), let id = v["id"]?.stringValue, let created = v["created"]?.integerValue,
              let model = v["model"]?.stringValue, let metadata = v["metadata"]?.objectValue, let completion = v["completion"],
              let messages = v["messages"]?.arrayValue else { return nil }
        self.init(id: id, created: created, model: model, metadata: metadata, completion: completion, messages: messages)
    }
}
