/// A record as `MemoryState` keeps it: itself, when it holds its bulk as text already, or its
/// encoding, decoded on every read (`StoredRecord.heldEncoded`). Either way `bytes` is what is
/// resident, so the store's byte limit bounds memory, not JSON text (issue 21).
enum HeldRecord: Sendable {
    case record(any StoredRecord)
    case encoded([UInt8])
    /// Nothing: left behind while a record taken out is changed.
    case taken

    init<Record: StoredRecord>(_ record: Record) {
        self = Record.heldEncoded ? .encoded(record.encoded().trimmed) : .record(record)
    }

    var bytes: Int {
        switch self {
        case .record(let record): record.bytes
        // The array's header and the allocator's rounding.
        case .encoded(let bytes): bytes.count + 64
        case .taken: 0
        }
    }

    func record<Record: StoredRecord>(_ type: Record.Type) -> Record? {
        switch self {
        case .record(let record): record as? Record
        case .encoded(let bytes): Record(encoded: bytes)
        case .taken: nil
        }
    }

    /// The record, leaving `.taken` behind: the record is then the only owner of its storage,
    /// so a change (a conversation's new item) does not copy it.
    mutating func take<Record: StoredRecord>(_ type: Record.Type) -> Record? {
        guard let record = record(type) else { return nil }
        self = .taken
        return record
    }
}

extension Array where Element == UInt8 {
    /// The same bytes in an allocation of their size. A writer's buffer starts at 512 bytes and
    /// grows by doubling: kept as it is, a small item would cost 560 bytes and a large record up
    /// to twice its length (measured: stored chat messages at 3.4x what was counted).
    var trimmed: [UInt8] {
        // Copied through a pointer: `Array(self[...])` hands back the same buffer when the slice is all of it.
        capacity - count > 32 ? withUnsafeBufferPointer { Array($0) } : self
    }
}
