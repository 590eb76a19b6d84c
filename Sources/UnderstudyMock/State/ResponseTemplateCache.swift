import Synchronization
import UnderstudyContract

/// Remembers the JSON bodies of repeatable completions (see `ChatPlan.repeatable`), keyed by the
/// raw request bytes, so a repeat costs a lookup and a splice instead of parsing and synthesis.
/// Repeats differ only in their id, which is cut out of the template and derived afresh, so the
/// bytes are exactly those the full path would write. Entries are valid for the second they were
/// made in (`created` is in the body); the cache is bounded and simply emptied when full.
final class ResponseTemplateCache: Sendable {
    struct Template: Sendable {
        /// The canonical request hash: the key of the occurrence counter and of the ids.
        var requestHash: UInt64
        var created: Int64
        var flavor: Flavor
        /// The body up to the id's first byte, and from its last.
        var prefix: [UInt8]
        var suffix: [UInt8]
        var processingMilliseconds: String
        /// Deprecation headers of the model, as of `created`.
        var notices: [(name: String, value: String)]
        /// What the full path would report: the tokens counted and the model that served.
        var usage: Usage
        var model: String
    }

    private let entries = Mutex<[UInt64: Template]>([:])
    private let limit: Int

    init(limit: Int = 1024) {
        self.limit = limit
    }

    func reset() { entries.withLock { $0.removeAll() } }

    static func key(body: [UInt8], flavor: Flavor) -> UInt64 {
        StableHash.hash(body, seed: StableHash.hash(flavor.rawValue))
    }

    func template(for key: UInt64, now: Int64) -> Template? {
        guard let template = entries.withLock({ $0[key] }), template.created == now else { return nil }
        return template
    }

    /// Stores `body`, whose id is `id`, as a template.
    func store(key: UInt64, body: [UInt8], id: String, requestHash: UInt64, created: Int64, flavor: Flavor, processingMilliseconds: String,
               notices: [(name: String, value: String)], usage: Usage, model: String) {
        let idBytes = Array(id.utf8)
        guard let start = Self.firstIndex(of: idBytes, in: body) else { return }
        let template = Template(
            requestHash: requestHash, created: created, flavor: flavor,
            prefix: Array(body[..<start]), suffix: Array(body[(start + idBytes.count)...]),
            processingMilliseconds: processingMilliseconds, notices: notices, usage: usage, model: model)
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = template
        }
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count, let first = needle.first else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
