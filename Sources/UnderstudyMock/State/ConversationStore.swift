import UnderstudyContract

/// Conversations (the Conversations API, and the `conversation` of a Responses request): their
/// metadata and items, oldest first. Bounded by count and bytes like every store; one
/// conversation may hold at most the store's byte limit, so adding items cannot grow it past that.
final class ConversationStore: Sendable {
    struct Entry: Sendable {
        var id: String
        var createdAt: Int64
        var metadata: JSONObject
        /// The items as listed, each with its `id`, oldest first.
        var items: [JSONValue]

        var bytes: Int { 256 + JSONValue.object(metadata).jsonBytes.count + items.reduce(0) { $0 + $1.jsonBytes.count } }
    }

    enum Appended {
        case appended(Entry)
        case unknown
        /// The items would take the conversation past the store's byte limit; nothing was added.
        case full
    }

    private let entries: BoundedLRU<Entry>

    init(limit: Int, byteLimit: Int) {
        entries = BoundedLRU(countLimit: limit, byteLimit: byteLimit) { $0.bytes }
    }

    func put(_ entry: Entry) { entries.put(entry.id, entry) }
    func use(_ id: String, change: (inout Entry) -> Void = { _ in }) -> Entry? { entries.use(id, change: change) }
    func delete(_ id: String) -> Bool { entries.delete(id) }
    func reset() { entries.reset() }

    /// Adds `items` (ids already given) at the end of the conversation.
    func append(_ items: [JSONValue], to id: String) -> Appended {
        let added = items.reduce(0) { $0 + $1.jsonBytes.count }
        var full = false
        let entry = entries.use(id) { entry in
            if entry.bytes + added > entries.byteLimit {
                full = true
            } else {
                entry.items += items
            }
        }
        guard let entry else { return .unknown }
        return full ? .full : .appended(entry)
    }

    /// The largest a conversation may grow (for the error that says so).
    var byteLimit: Int { entries.byteLimit }
}
