import Synchronization
import UnderstudyContract

/// Remembers the answers of repeatable completions (see `ChatPlan.repeatable`), keyed by the raw
/// request bytes, so a repeat costs a lookup instead of parsing, validation and synthesis. Repeats
/// differ only in their id (and a stream's padding, drawn from the same seed), which is derived
/// afresh, so the bytes are exactly those the full path would write: a JSON body is kept cut
/// around its id; a stream, as its plan, rendered frame by frame as a first answer is. Entries
/// are valid for the second they were made in (`created` is in the body). The cache is bounded by
/// entries and by the bytes its templates hold (what is resident: a body of `n: 128` choices is
/// megabytes), and simply emptied when either is reached; a body over an eighth of the byte limit
/// is not kept at all.
final class ResponseTemplateCache: Sendable {
    struct Template: Sendable {
        /// The canonical request hash: the key of the occurrence counter and of the ids.
        var requestHash: UInt64
        var created: Int64
        var flavor: Flavor
        var body: Body
        var processingMilliseconds: String
        /// Deprecation and stand-in headers of the model, as of `created`.
        var notices: [(name: String, value: String)]
        /// What the full path would report: the tokens counted and the model that served.
        var usage: Usage
        var model: String

        enum Body: Sendable {
            /// A JSON body up to the id's first byte, and from its last.
            case json(prefix: [UInt8], suffix: [UInt8])
            /// A stream's plan (its id and padding seed replaced for each repeat) and how it is
            /// rendered; boxed, so that a JSON template, copied out of the cache on every repeat, is small.
            indirect case stream(ChatPlan, includeUsage: Bool, includeObfuscation: Bool)
        }

        /// What the template holds: its bytes and a fixed allowance for the small fields.
        var bytes: Int {
            let body = switch body {
            case .json(let prefix, let suffix): prefix.count + suffix.count
            case .stream(let plan, _, _): Self.bytes(of: plan)
            }
            return body + model.utf8.count + notices.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } + 256
        }

        /// A plan's text and what holds it: a piece is a 32-byte substring of its choice's text; a
        /// moderated completion keeps the conversation's text (its input); a citation, a small object.
        static func bytes(of plan: ChatPlan) -> Int {
            var bytes = plan.choices.reduce(0) { $0 + ($1.content?.utf8.count ?? 0) + 32 * $1.pieces.count + 128 }
            if let moderation = plan.moderation {
                bytes += moderation.input.utf8.count + moderation.outputs.reduce(0) { $0 + $1.utf8.count + 16 }
            }
            return bytes + 512 * (plan.serverTools?.citations.count ?? 0)
        }
    }

    private struct Entries {
        var templates: [UInt64: Template] = [:]
        var bytes = 0
    }

    private let entries = Mutex(Entries())
    private let limit: Int
    let byteLimit: Int

    init(limit: Int = 1024, byteLimit: Int = 32 << 20) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    func reset() { entries.withLock { $0 = Entries() } }

    /// The bytes the templates hold now.
    var bytes: Int { entries.withLock { $0.bytes } }

    static func key(body: [UInt8], flavor: Flavor) -> UInt64 {
        StableHash.hash(body, seed: StableHash.hash(flavor.rawValue))
    }

    func template(for key: UInt64, now: Int64) -> Template? {
        guard let template = entries.withLock({ $0.templates[key] }), template.created == now else { return nil }
        return template
    }

    /// Stores a JSON `body`, whose id is `id`, as a template.
    func store(key: UInt64, body: [UInt8], id: String, requestHash: UInt64, created: Int64, flavor: Flavor, processingMilliseconds: String,
               notices: [(name: String, value: String)], usage: Usage, model: String) {
        let idBytes = Array(id.utf8)
        guard body.count <= byteLimit / 8, let start = Self.firstIndex(of: idBytes, in: body) else { return }
        store(key: key, Template(
            requestHash: requestHash, created: created, flavor: flavor,
            body: .json(prefix: Array(body[..<start]), suffix: Array(body[(start + idBytes.count)...])),
            processingMilliseconds: processingMilliseconds, notices: notices, usage: usage, model: model))
    }

    func store(key: UInt64, _ template: Template) {
        let size = template.bytes
        guard size <= byteLimit / 8 else { return }
        entries.withLock { entries in
            if entries.templates.count >= limit || entries.bytes + size > byteLimit { entries = Entries() }
            if let old = entries.templates.updateValue(template, forKey: key) { entries.bytes -= old.bytes }
            entries.bytes += size
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
