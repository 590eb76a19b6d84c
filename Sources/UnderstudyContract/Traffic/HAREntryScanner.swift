/// Finds the elements of a HAR file's `log.entries` array in a byte stream, without parsing the
/// rest, so a recording of any size passes through in the memory of one entry. Feed it chunks;
/// it hands back each entry's bytes as soon as the entry closes.
struct HAREntryScanner {
    private enum Container { case object, array }

    private var stack: [Container] = []
    /// The last key read at each object level (parallel to `stack`; nil for arrays).
    private var keys: [String?] = []
    private var inString = false
    private var escaped = false
    private var stringBytes: [UInt8] = []
    /// A string just closed at object level and may be a key (if a colon follows).
    private var pendingKey: String?
    /// Bytes of the entry being captured, if inside one.
    private var entry: [UInt8]?
    private var entryDepth = 0
    private(set) var sawEntries = false
    /// Where the scan is, for errors: bytes read and the line they end on.
    private(set) var offset = 0
    private(set) var line = 1
    /// The first `log.entries` element that is not an object, by index.
    private(set) var nonObjectEntry: Int?
    private var entriesSeen = 0
    private var closedRoot = false

    /// Why the input is not a whole HAR document, once all of it has been fed; nil when it is.
    var incompleteReason: String? {
        if let nonObjectEntry { return "log.entries[\(nonObjectEntry)] is not an object" }
        if inString || !stack.isEmpty || !closedRoot {
            return "the file ends inside the JSON (truncated?) at byte \(offset), line \(line)"
        }
        return nil
    }

    /// True when the containers are root object → `log` object → `entries` array.
    private var inEntriesArray: Bool {
        stack.count == 3 && stack[0] == .object && stack[1] == .object && stack[2] == .array
            && keys[0] == "log" && keys[1] == "entries"
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ emit: ([UInt8]) -> Void) {
        for b in chunk {
            offset += 1
            if b == 0x0A { line += 1 }
            if entry != nil { entry!.append(b) }
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if entry == nil && stack.last == .object { pendingKey = String(decoding: stringBytes, as: UTF8.self) }
                } else if entry == nil && stringBytes.count < 64 {
                    stringBytes.append(b)
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                stringBytes.removeAll(keepingCapacity: true)
                if entry == nil && inEntriesArray && nonObjectEntry == nil { nonObjectEntry = entriesSeen }
            case UInt8(ascii: ":"):
                if entry == nil, let key = pendingKey, !keys.isEmpty { keys[keys.count - 1] = key }
                pendingKey = nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if entry == nil && inEntriesArray {
                    if b == UInt8(ascii: "{") {
                        sawEntries = true
                        entry = [b]
                        entryDepth = stack.count + 1
                        entriesSeen += 1
                    } else if nonObjectEntry == nil {
                        nonObjectEntry = entriesSeen
                    }
                }
                stack.append(b == UInt8(ascii: "{") ? .object : .array)
                keys.append(nil)
                pendingKey = nil
                if inEntriesArray { sawEntries = true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty {
                    stack.removeLast()
                    keys.removeLast()
                    if stack.isEmpty { closedRoot = true }
                }
                if let captured = entry, stack.count == entryDepth - 1 {
                    emit(captured)
                    entry = nil
                }
                pendingKey = nil
            case UInt8(ascii: ","):
                pendingKey = nil
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                break
            default:
                // A scalar element of log.entries (`[1, 2]`).
                if entry == nil && inEntriesArray && nonObjectEntry == nil { nonObjectEntry = entriesSeen }
            }
        }
    }
}
