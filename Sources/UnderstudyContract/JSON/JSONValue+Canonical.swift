extension JSONValue {
    /// The canonical form: members sorted by key (bytewise on UTF-8), duplicate keys resolved to the
    /// last, integral numbers written as integers. Two requests that mean the same thing have the
    /// same canonical bytes, whatever their key order or number spelling.
    public var canonicalBytes: [UInt8] {
        var writer = JSONWriter()
        writer.canonical(self)
        return writer.bytes
    }

    /// A stable 64-bit hash of the canonical form: the same on every machine and every run
    /// (unlike Swift's `Hasher`, which is seeded per process). Values that have the same
    /// `canonicalBytes` have the same hash.
    public var canonicalHash: UInt64 {
        canonicalHash(excludingTopLevelKeys: [])
    }

    /// The canonical hash of this object without some of its top-level members: e.g. a request
    /// without the options that only change how its answer is delivered.
    public func canonicalHash(excludingTopLevelKeys excluded: Set<String>) -> UInt64 {
        var hasher = CanonicalHasher()
        hasher.feed(self, excluding: excluded)
        return StableHash.mix(hasher.state)
    }

    /// The same, given this value's `canonicalHash`: when the object has none of the keys the same
    /// bytes would be hashed again, so that hash is the answer (a request without delivery options
    /// is hashed once, not twice).
    public func canonicalHash(excludingTopLevelKeys excluded: Set<String>, whole: UInt64) -> UInt64 {
        guard let object = objectValue, object.members.contains(where: { excluded.contains($0.key) }) else { return whole }
        return canonicalHash(excludingTopLevelKeys: excluded)
    }
}

/// Hashes a value's canonical structure directly, without writing its canonical bytes: each value
/// is fed as a type tag plus its content (strings with their length), so no escaping is needed and
/// no two different canonical forms feed the same byte sequence.
struct CanonicalHasher {
    var state = StableHash.offsetBasis

    mutating func byte(_ b: UInt8) {
        state ^= UInt64(b)
        state &*= 0x0000_0100_0000_01B3
    }

    mutating func word(_ w: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { byte(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            word(UInt64(utf8.count))
            // FNV-1a over the bytes, the state kept in a local (a request's text is most of what is hashed).
            var h = state
            for b in utf8 {
                h ^= UInt64(b)
                h &*= 0x0000_0100_0000_01B3
            }
            state = h
        }
    }

    mutating func feed(_ value: JSONValue, excluding excluded: Set<String> = []) {
        switch value {
        case .null: byte(0)
        case .bool(let b): byte(b ? 2 : 1)
        case .int(let i):
            byte(3)
            word(UInt64(bitPattern: i))
        case .double(let d):
            if d.rounded() == d, abs(d) < 9_007_199_254_740_992 {
                byte(3)
                word(UInt64(bitPattern: Int64(d)))
            } else {
                byte(4)
                word(d.bitPattern)
            }
        case .string(let s):
            byte(5)
            string(s)
        case .array(let elements):
            byte(6)
            word(UInt64(elements.count))
            for element in elements { feed(element) }
        case .object(let object):
            byte(7)
            let members = object.members
            // Sort member indices by key, ties by position, then keep the last of each key.
            var order = Array(members.indices)
            if !excluded.isEmpty { order.removeAll { excluded.contains(members[$0].key) } }
            order.sort { a, b in
                let ka = members[a].key, kb = members[b].key
                if ka == kb { return a < b }
                return ka.utf8.lexicographicallyPrecedes(kb.utf8)
            }
            var kept = 0
            for (n, i) in order.enumerated() where n + 1 == order.count || members[order[n + 1]].key != members[i].key {
                string(members[i].key)
                feed(members[i].value)
                kept += 1
            }
            word(UInt64(kept))
        }
    }
}

extension JSONWriter {
    mutating func canonical(_ value: JSONValue) {
        switch value {
        case .array(let elements):
            beginArray()
            for element in elements { canonical(element) }
            endArray()
        case .object(let object):
            var latest: [(key: String, value: JSONValue)] = []
            for member in object.members {
                if let i = latest.firstIndex(where: { $0.key == member.key }) {
                    latest[i].value = member.value
                } else {
                    latest.append(member)
                }
            }
            latest.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            beginObject()
            for member in latest {
                key(escaping: member.key)
                canonical(member.value)
            }
            endObject()
        default:
            self.value(value)
        }
    }
}
