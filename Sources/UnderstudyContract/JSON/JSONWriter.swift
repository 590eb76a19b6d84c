/// Writes JSON text straight into bytes, in the order the caller writes keys: the responses we send
/// are built with it directly, with no intermediate tree and no Foundation bridging.
///
/// Commas are placed automatically: call `key(_:)` before each member value and write values in
/// arrays one after another.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Per open container, whether its next member or element is the first: a bit each for the
    /// outer 64 (no array to allocate or copy per document), an array entry for any deeper.
    private var firstBits: UInt64 = 0
    private var depth = 0
    private var deeper: [Bool] = []
    private var afterKey = false

    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Goes on from `prefix` (its bytes and open containers), with room for `capacity` more
    /// bytes: for many documents that start alike, such as one stream's chunks.
    public init(continuing prefix: JSONWriter, capacity: Int) {
        bytes = []
        bytes.reserveCapacity(prefix.bytes.count + capacity)
        bytes.append(contentsOf: prefix.bytes)
        firstBits = prefix.firstBits
        depth = prefix.depth
        deeper = prefix.deeper
        afterKey = prefix.afterKey
    }

    /// Bytes around the JSON rather than in it (an SSE frame's `data: ` and its blank line).
    public mutating func framing(_ literal: StaticString) {
        appendLiteral(literal)
    }

    /// Bytes already encoded, written as they are and outside the writer's bookkeeping: the fixed
    /// end of a frame cut from another writer's output. Nothing but more framing may follow.
    public mutating func framing(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    /// `count` bytes that need no escaping, written in place by `fill`, as framing (see
    /// `framing(bytes:)`): a stream frame's padding, without a string made for it.
    public mutating func framing(count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { fill(UnsafeMutableBufferPointer(rebasing: $0[start...])) }
    }

    /// Text that needs no escaping, as framing (see `framing(bytes:)`).
    public mutating func framing(text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func separator() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let level = depth - 1
        if level < 64 {
            let bit: UInt64 = 1 << UInt64(level)
            if firstBits & bit != 0 { firstBits &= ~bit } else { bytes.append(UInt8(ascii: ",")) }
        } else if deeper[level - 64] {
            deeper[level - 64] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func open() {
        if depth < 64 { firstBits |= 1 << UInt64(depth) } else { deeper.append(true) }
        depth += 1
    }

    private mutating func close() {
        precondition(depth > 0, "a container closed that was not open")
        depth -= 1
        if depth >= 64 { deeper.removeLast() }
    }

    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        close()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        close()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a member key; the next value written is its value.
    public mutating func key(_ name: StaticString) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A key that is not a literal (it is escaped).
    public mutating func key(escaping name: String) {
        separator()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) {
        separator()
        appendEscaped(value)
    }

    /// A slice of a longer text (a token piece), without making a `String` of it first.
    public mutating func string(_ value: Substring) {
        separator()
        if value.utf8.withContiguousStorageIfAvailable({ appendEscaped(utf8: $0) }) == nil { appendEscaped(String(value)) }
    }

    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func int(_ value: Int) {
        separator()
        appendDecimal(value)
    }

    public mutating func int(_ value: Int64) { int(Int(value)) }

    public mutating func double(_ value: Double) {
        separator()
        appendNumber(value)
    }

    public mutating func bool(_ value: Bool) {
        separator()
        appendLiteral(value ? "true" : "false")
    }

    public mutating func null() {
        separator()
        appendLiteral("null")
    }

    /// Appends a literal's bytes without building an array (array literals allocate).
    private mutating func appendLiteral(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Writes already-encoded JSON (trusted: it is not checked).
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separator()
        bytes.append(contentsOf: json)
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(escaping: member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    // MARK: Encoding primitives

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendEscaped(_ string: String) {
        var string = string
        string.withUTF8 { appendEscaped(utf8: $0) }
    }

    private mutating func appendEscaped(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let count = utf8.count
        while i < count {
            // Eight bytes at a time while none of them needs escaping: most text has nothing to
            // escape, and this runs over every string of every answer.
            if let base = utf8.baseAddress {
                while i + 8 <= count, !Self.needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
                guard i < count else { break }
            }
            let b = utf8[i]
            i += 1
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            let at = i - 1
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<at]))
            runStart = at + 1
            bytes.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            default:
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(Self.hexDigits[Int(b >> 4)])
                bytes.append(Self.hexDigits[Int(b & 0xF)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, a quote or a backslash (bit tricks: a
    /// byte below 0x20 borrows when 0x20 is taken from it; a byte equal to c is zero in `w ^ c`).
    /// It may say yes for a word that has none (a borrow crossing bytes); never no for one that has.
    @inline(__always)
    static func needsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        return (w &- ones &* 0x20) & ~w & highs != 0 || hasZero(w ^ (ones &* 0x22)) || hasZero(w ^ (ones &* 0x5C))
    }

    private mutating func appendDecimal(_ value: Int) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value == Int.min {
            appendLiteral("-9223372036854775808")
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    /// Integral values within ±2^53 are written without a fraction; others in Swift's shortest
    /// round-trip form, which is the same on every machine.
    private mutating func appendNumber(_ value: Double) {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            appendDecimal(Int(value))
        } else if value.isFinite {
            bytes.append(contentsOf: Array(value.description.utf8))
        } else {
            appendLiteral("null")  // JSON has no NaN or infinity
        }
    }
}

extension JSONValue {
    /// This value as compact JSON bytes, keys in their stored order.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }

    public var jsonString: String { String(decoding: jsonBytes, as: UTF8.self) }
}
