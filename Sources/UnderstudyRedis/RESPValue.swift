/// A RESP2 reply.
public enum RESPValue: Sendable, Equatable {
    /// `+OK`: a status line.
    case simpleString(String)
    /// `-ERR …`: an error reply. The client returns it in its slot; it does not throw it.
    case error(String)
    /// `:42`
    case integer(Int64)
    /// `$3 abc`; `nil` is the null bulk string (`$-1`).
    case bulkString([UInt8]?)
    /// `*2 …`; `nil` is the null array (`*-1`).
    case array([RESPValue]?)
}

extension RESPValue {
    /// The integer, or a bulk string that holds one in decimal (as `GET` returns a counter).
    public var int: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulkString(let bytes?): return RESPValue.parseInteger(bytes[...])
        default: return nil
        }
    }

    /// The bytes of a bulk string or a simple string; `nil` for anything else and for the null bulk string.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let string): return Array(string.utf8)
        default: return nil
        }
    }

    /// A simple string, or a bulk string that is valid UTF-8; `nil` for anything else.
    public var string: String? {
        switch self {
        case .simpleString(let string): return string
        case .bulkString(let bytes?): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The elements of an array; `nil` for anything else and for the null array.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The message of an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// Whether this is the null bulk string or the null array (a missing key, a timed-out `BLPOP`).
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): return true
        default: return false
        }
    }

    /// A strict decimal: an optional `-`, then 1 to 19 digits, within Int64. No `+`, no spaces.
    static func parseInteger(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        // Accumulate negatively so that Int64.min parses too.
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }
}
