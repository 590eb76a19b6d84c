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
    /// (unlike Swift's `Hasher`, which is seeded per process).
    public var canonicalHash: UInt64 {
        StableHash.hash(canonicalBytes)
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
            var latest: [(key: [UInt8], name: String, value: JSONValue)] = []
            for member in object.members {
                let key = Array(member.key.utf8)
                if let i = latest.firstIndex(where: { $0.key == key }) {
                    latest[i].value = member.value
                } else {
                    latest.append((key, member.key, member.value))
                }
            }
            latest.sort { $0.key.lexicographicallyPrecedes($1.key) }
            beginObject()
            for member in latest {
                key(member.name)
                canonical(member.value)
            }
            endObject()
        default:
            self.value(value)
        }
    }
}
