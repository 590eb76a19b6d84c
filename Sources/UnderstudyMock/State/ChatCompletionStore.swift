import UnderstudyContract

/// Chat completions created with `store: true`: listed, retrieved, updated (metadata), deleted,
/// and their request messages listed, as the Chat Completions API's stored-completions
/// endpoints do. Bounded by count and bytes like every store.
final class ChatCompletionStore: Sendable {
    struct Entry: Sendable {
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
    }

    private let entries: BoundedLRU<Entry>

    init(limit: Int, byteLimit: Int) {
        entries = BoundedLRU(countLimit: limit, byteLimit: byteLimit) { $0.bytes }
    }

    func put(_ entry: Entry) { entries.put(entry.id, entry) }
    func use(_ id: String, change: (inout Entry) -> Void = { _ in }) -> Entry? { entries.use(id, change: change) }
    func delete(_ id: String) -> Bool { entries.delete(id) }
    /// Oldest first.
    func all() -> [Entry] { entries.values() }
    func reset() { entries.reset() }
}
