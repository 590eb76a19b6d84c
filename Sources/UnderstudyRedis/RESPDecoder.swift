import NIOCore

/// Decodes RESP2 replies from a byte stream: `+`, `-`, `:`, `$` (with `$-1`), `*` (with `*-1` and
/// nesting). A reply may arrive split at any byte. Anything malformed throws a `RedisError` of kind
/// `.protocolViolation`; lengths and counts are checked against the limits below before anything
/// is allocated for them.
///
/// Arrays are decoded incrementally: complete elements are consumed and kept in `open`, so a long
/// array that arrives over many reads is parsed once, not again from its start on every read.
public struct RESPDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    /// Redis' own limit for a bulk string (`proto-max-bulk-len`).
    public static let maximumBulkLength = 512 * 1024 * 1024
    public static let maximumArrayCount = 16 * 1024 * 1024
    /// For `+`, `-` and `:` lines and the length lines of `$` and `*`.
    public static let maximumLineLength = 1024 * 1024
    /// Redis replies nest a few levels (a stream entry is three); Lua tables can nest more.
    public static let maximumDepth = 64

    private struct OpenArray {
        var remaining: Int
        var elements: [RESPValue]
    }

    private var open: [OpenArray] = []

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        next: while true {
            var value: RESPValue
            switch try Self.step(&buffer) {
            case .needMoreData:
                return nil
            case .openArray(let count):
                guard open.count < Self.maximumDepth else {
                    throw Self.violation("arrays nested more than \(Self.maximumDepth) deep")
                }
                var elements: [RESPValue] = []
                // The count is only a claim until the elements arrive: reserve little up front.
                elements.reserveCapacity(min(count, 1024))
                open.append(OpenArray(remaining: count, elements: elements))
                continue next
            case .value(let complete):
                value = complete
            }
            // The value completes zero or more enclosing arrays.
            while !open.isEmpty {
                let last = open.count - 1
                open[last].elements.append(value)
                open[last].remaining -= 1
                if open[last].remaining > 0 { continue next }
                value = .array(open.removeLast().elements)
            }
            return value
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try decode(buffer: &buffer)
    }

    private enum Step {
        case needMoreData
        case value(RESPValue)
        case openArray(Int)
    }

    /// Decodes one scalar, or the header of a non-empty array, consuming it; consumes nothing when
    /// the input is incomplete.
    private static func step(_ buffer: inout ByteBuffer) throws(RedisError) -> Step {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .needMoreData }
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"): break
        default: throw violation("a reply starts with byte 0x\(String(type, radix: 16))")
        }
        guard let lineLength = try lineLength(buffer) else { return .needMoreData }
        let line = buffer.getBytes(at: buffer.readerIndex + 1, length: lineLength)!
        let afterLine = buffer.readerIndex + 1 + lineLength + 2

        switch type {
        case UInt8(ascii: "+"):
            buffer.moveReaderIndex(to: afterLine)
            return .value(.simpleString(String(decoding: line, as: UTF8.self)))
        case UInt8(ascii: "-"):
            buffer.moveReaderIndex(to: afterLine)
            return .value(.error(String(decoding: line, as: UTF8.self)))
        case UInt8(ascii: ":"):
            guard let value = RESPValue.parseInteger(line[...]) else { throw violation("an integer reply is not a number") }
            buffer.moveReaderIndex(to: afterLine)
            return .value(.integer(value))
        case UInt8(ascii: "$"):
            let length = try Self.length(line, limit: maximumBulkLength, of: "bulk string")
            guard length >= 0 else {
                buffer.moveReaderIndex(to: afterLine)
                return .value(.bulkString(nil))
            }
            // The body and its CRLF must all be here before anything is consumed.
            guard buffer.writerIndex - afterLine >= length + 2 else { return .needMoreData }
            guard buffer.getInteger(at: afterLine + length, as: UInt16.self) == crlf else {
                throw violation("a bulk string is not followed by CRLF")
            }
            let body = buffer.getBytes(at: afterLine, length: length)!
            buffer.moveReaderIndex(to: afterLine + length + 2)
            return .value(.bulkString(body))
        default:  // "*"
            let count = try Self.length(line, limit: maximumArrayCount, of: "array")
            buffer.moveReaderIndex(to: afterLine)
            if count < 0 { return .value(.array(nil)) }
            if count == 0 { return .value(.array([])) }
            return .openArray(count)
        }
    }

    private static let crlf = UInt16(UInt8(ascii: "\r")) << 8 | UInt16(UInt8(ascii: "\n"))

    /// The length of the line after the type byte, up to its CRLF; `nil` until the CRLF has
    /// arrived. A bare CR or LF, or a line longer than the limit, is a violation.
    private static func lineLength(_ buffer: ByteBuffer) throws(RedisError) -> Int? {
        let found = buffer.withUnsafeReadableBytes { bytes -> (index: Int, byte: UInt8)? in
            var index = 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") { return (index, byte) }
                index += 1
            }
            return nil
        }
        guard let (index, byte) = found else {
            if buffer.readableBytes - 1 > maximumLineLength { throw violation("a line is longer than \(maximumLineLength) bytes") }
            return nil
        }
        guard byte == UInt8(ascii: "\r") else { throw violation("a line ends in LF without CR") }
        guard let next = buffer.getInteger(at: buffer.readerIndex + index + 1, as: UInt8.self) else { return nil }
        guard next == UInt8(ascii: "\n") else { throw violation("a CR is not followed by LF") }
        return index - 1
    }

    /// A length or count: -1 (null) or 0 through `limit`.
    private static func length(_ line: [UInt8], limit: Int, of what: String) throws(RedisError) -> Int {
        guard let value = RESPValue.parseInteger(line[...]) else { throw violation("the length of a \(what) is not a number") }
        guard value >= -1 else { throw violation("a \(what) has the negative length \(value)") }
        guard value <= Int64(limit) else { throw violation("a \(what) claims \(value) elements or bytes, over the limit of \(limit)") }
        return Int(value)
    }

    static func violation(_ what: String) -> RedisError {
        RedisError(.protocolViolation, "malformed reply from Redis: \(what)")
    }
}
