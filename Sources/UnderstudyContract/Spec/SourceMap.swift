/// Where each node of a loaded document starts.
///
/// Recorded positionally while loading: one entry per node in document order (preorder), with the
/// number of entries its subtree spans. A JSON pointer is resolved only when a message asks for
/// one, by walking it through the loaded value and stepping over siblings by their spans. Building
/// and hashing a pointer string for every node cost about a fifth of loading the official document.
public struct SourceMap: Sendable {
    public var file = ""
    private var entries: [Entry] = []
    /// The value the entries describe, as loaded (a document's own `root` may be changed later).
    private var root: JSONValue = .null

    private struct Entry {
        /// 1-based; 0 for an alias, which has no position of its own: it reports its parent's.
        var line: Int32
        var column: Int32
        /// Entries in this node's subtree, itself included. An alias is one entry however large
        /// its value is, so a walk stops at it.
        var span: Int32
    }

    public init() {}

    mutating func reserve(_ count: Int) { entries.reserveCapacity(count) }

    /// Records the node that starts next; returns its index for `close`.
    @discardableResult
    mutating func open(_ location: SourceLocation) -> Int {
        entries.append(Entry(line: Int32(location.line), column: Int32(location.column), span: 1))
        return entries.count - 1
    }

    /// Records an alias: a node without a position of its own.
    mutating func openAlias() {
        entries.append(Entry(line: 0, column: 0, span: 1))
    }

    /// Ends the subtree of the mapping or sequence recorded at `index`.
    mutating func close(_ index: Int) {
        entries[index].span = Int32(entries.count - index)
    }

    mutating func finish(root: JSONValue) { self.root = root }

    /// The location of `pointer`, or of its nearest ancestor that has one.
    public func location(of pointer: String) -> SourceLocation {
        guard !entries.isEmpty, let tokens = JSONPointer.escapedTokens(pointer) else { return SourceLocation(file: file, line: 1, column: 1) }
        var found = position(0)
        var node = 0
        var value = root
        for token in tokens {
            guard entries[node].span > 1, let (index, child) = Self.child(of: value, token: token) else { break }
            node += 1
            for _ in 0..<index { node += Int(entries[node].span) }
            value = child
            if let here = position(node) { found = here }
        }
        return found ?? SourceLocation(file: file, line: 1, column: 1)
    }

    private func position(_ node: Int) -> SourceLocation? {
        let entry = entries[node]
        return entry.line == 0 ? nil : SourceLocation(file: file, line: Int(entry.line), column: Int(entry.column))
    }

    /// The member or element a pointer token names, with its index among its siblings. Tokens
    /// match as they are written in pointers: keys escaped (`~0`, `~1`), indices in plain decimal.
    private static func child(of value: JSONValue, token: Substring) -> (Int, JSONValue)? {
        switch value {
        case .object(let object):
            let key = String(token)
            guard let index = object.members.firstIndex(where: { JSONPointer.escape($0.key) == key }) else { return nil }
            return (index, object.members[index].value)
        case .array(let elements):
            guard let index = Int(token), String(index) == token, elements.indices.contains(index) else { return nil }
            return (index, elements[index])
        default:
            return nil
        }
    }
}
