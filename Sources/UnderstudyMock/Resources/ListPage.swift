import UnderstudyContract

/// The live API's lists: a page of items and the query that picks it.
extension Resource {
    /// `{object: list, data, first_id, last_id, has_more}`: `items` (oldest first) in `order`,
    /// after the one whose `id` is `after`, the first `limit` of them. Only the page's items are
    /// read (written from their text; the first and last parsed for their ids).
    func listPage(_ items: EncodedItems, order: String, after: String?, limit: Int) -> MockResponse {
        let n = items.count
        let position: (Int) -> Int = order == "desc" ? { n - 1 - $0 } : { $0 }
        var start = 0
        if let after, let index = items.index(of: after) { start = position(index) + 1 }
        let end = min(n, start + max(0, limit))
        let page = (start..<end).map(position)
        var w = JSONWriter(capacity: 512 + page.reduce(0) { $0 + items.texts[$1].count })
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data")
        w.beginArray()
        for i in page { w.raw(items.texts[i]) }
        w.endArray()
        w.key("first_id"); w.string(page.first.flatMap { items.item(at: $0)?["id"]?.stringValue })
        w.key("last_id"); w.string(page.last.flatMap { items.item(at: $0)?["id"]?.stringValue })
        w.key("has_more"); w.bool(end < n)
        w.endObject()
        return json(200, w.bytes)
    }
}

/// A URL query string's parameters (first value wins; `+` and %-escapes decoded).
public struct QueryParameters {
    private var values: [(String, String)] = []

    public init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in JSONPointer.percentDecodedQuery(String(s)) }
            values.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
    }

    public subscript(name: String) -> String? { values.first { $0.0 == name }?.1 }

    /// A list's `limit` (1…100, default 20) and `order` (asc or desc).
    func page(defaultOrder: String) throws(APIError) -> (limit: Int, order: String) {
        let limit = try integer("limit", in: 1...100) ?? 20
        let order = self["order"] ?? defaultOrder
        guard order == "asc" || order == "desc" else { throw .invalidValue("order", order, supported: ["asc", "desc"]) }
        return (limit, order)
    }

    /// Every parameter in order (for families like `metadata[key]`).
    var all: [(String, String)] { values }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw .invalidType(name, expected: "an integer", got: .string(text)) }
        guard range.contains(value) else {
            throw .outOfRange(name, isInteger: true, above: value > range.upperBound,
                              limit: String(value > range.upperBound ? range.upperBound : range.lowerBound), got: text)
        }
        return value
    }
}
