import UnderstudyContract

/// Listed items (a conversation's, a stored completion's messages) held as their JSON text, each
/// apart, with a hash of its `id`: a page is written from the bytes of the items on it and an
/// `after` cursor is found by comparing hashes, so reading a page costs the page, not the list
/// (issue 21). A parsed `JSONValue` costs 6 to 34 times its text; this costs the text and a
/// fixed allowance per item, which `bytes` counts.
struct EncodedItems: Sendable {
    private(set) var texts: [[UInt8]] = []
    private var idHashes: [UInt64] = []
    /// What the items hold: their text and `perItem` each (the array's header and the hash).
    private(set) var bytes = 0
    static let perItem = 64

    init() {}

    init(_ items: [JSONValue]) {
        for item in items { append(item) }
    }

    var count: Int { texts.count }

    mutating func append(_ item: JSONValue) {
        append(text: item.jsonBytes, id: item["id"]?.stringValue)
    }

    /// Appends an item already written as JSON, whose `id` is `id`.
    mutating func append(text: [UInt8], id: String?) {
        let text = text.trimmed
        texts.append(text)
        idHashes.append(Self.idHash(id))
        bytes += text.count + Self.perItem
    }

    mutating func remove(at index: Int) {
        bytes -= texts[index].count + Self.perItem
        texts.remove(at: index)
        idHashes.remove(at: index)
    }

    func item(at index: Int) -> JSONValue? { try? JSONParser.parse(texts[index]) }

    /// Every item, parsed (for a reader that needs them all: a model reading its conversation).
    var all: [JSONValue] { texts.indices.compactMap(item(at:)) }

    /// The index of the item whose `id` is `id`: hashes compared, the match confirmed by parsing it.
    func index(of id: String) -> Int? {
        let hash = Self.idHash(id)
        for i in idHashes.indices where idHashes[i] == hash {
            if item(at: i)?["id"]?.stringValue == id { return i }
        }
        return nil
    }

    private static func idHash(_ id: String?) -> UInt64 { id.map { StableHash.hash($0) } ?? 0 }

    /// The whole list as one JSON array (for a state outside the process).
    var jsonArray: [UInt8] {
        var w = JSONWriter(capacity: bytes)
        w.beginArray()
        for text in texts { w.raw(text) }
        w.endArray()
        return w.bytes
    }
}
