import UnderstudyContract

/// Stored responses (`store: true`, the default), for retrieval, deletion, input-item listing and
/// `previous_response_id` chains. Bounded by count and by bytes (`BoundedLRU`).
final class ResponseStore: Sendable {
    struct Entry: Sendable {
        var plan: ResponsePlan
        /// The input items with their ids, oldest first.
        var inputItems: [JSONValue]
        /// The conversation so far, this reply included (instructions are not carried over, as
        /// the API documents).
        var conversation: [ChatMessage]
        /// Background work advances each time it is looked at: queued → in_progress → final.
        var polls = 0

        /// Roughly what the entry holds in memory: its texts and items.
        var bytes: Int {
            256 + (plan.message?.text.utf8.count ?? 0) * 2 + plan.functionCalls.reduce(0) { $0 + $1.arguments.utf8.count * 2 }
                + inputItems.reduce(0) { $0 + $1.jsonBytes.count } + conversation.reduce(0) { $0 + $1.bytes }
        }
    }

    private let entries: BoundedLRU<Entry>

    init(limit: Int, byteLimit: Int) {
        entries = BoundedLRU(countLimit: limit, byteLimit: byteLimit) { $0.bytes }
    }

    func put(_ entry: Entry) { entries.put(entry.plan.id, entry) }

    /// The entry, after applying `change` to it (for polls and cancels); nil if unknown.
    func use(_ id: String, change: (inout Entry) -> Void = { _ in }) -> Entry? { entries.use(id, change: change) }

    func reset() { entries.reset() }

    func delete(_ id: String) -> Bool { entries.delete(id) }

    var bytes: Int { entries.bytes }
}
