import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses a chunked request body whose declared chunk is larger than the body limit, as soon as
/// its size line arrives. llhttp (through NIO's decoder) accepts any size up to 2⁶⁴−1 and says
/// nothing of chunk headers, so a client declaring `7fffffffffffffff` would hold the connection
/// while the body is drained; this handler, in front of the decoder, follows the request framing
/// (heads, `content-length` bodies, chunks, trailers) and raises `ChunkTooLarge` instead.
///
/// It passes every byte on unchanged until then, and stops following (passing bytes on, judging
/// nothing) when it meets framing it does not understand: the decoder is the one that refuses
/// malformed requests.
final class ChunkSizeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Raised through the pipeline (the connection handler answers 413 and hangs up).
    struct ChunkTooLarge: Error {
        var limit: Int
    }

    private enum State {
        /// In a request head; `chunked`/`length` gathered from the header lines so far.
        case head(sawRequestLine: Bool, chunked: Bool, length: Int)
        case fixedBody(remaining: Int)
        case chunkSize
        /// The chunk's data and its closing CRLF.
        case chunkData(remaining: Int)
        case trailers
        /// Framing not understood, or refused: nothing more is judged.
        case off
        case refused
    }

    private let limit: Int
    private let lineLimit: Int
    private var state = State.head(sawRequestLine: false, chunked: false, length: 0)
    private var line: [UInt8] = []

    /// - Parameters:
    ///   - limit: the largest chunk let through (the body limit).
    ///   - lineLimit: the longest line followed (longer ones are the decoder's to refuse).
    init(limit: Int, lineLimit: Int) {
        self.limit = limit
        self.lineLimit = lineLimit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .refused = state { return }
        let buffer = unwrapInboundIn(data)
        if case .off = state {
            context.fireChannelRead(data)
            return
        }
        let refused = buffer.withUnsafeReadableBytes { scan($0) }
        guard refused else {
            context.fireChannelRead(data)
            return
        }
        state = .refused
        context.fireErrorCaught(ChunkTooLarge(limit: limit))
    }

    /// Follows the framing through `bytes`; true when a chunk over the limit was declared.
    private func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count {
            switch state {
            case .fixedBody(let remaining), .chunkData(let remaining):
                let skipped = min(remaining, bytes.count - i)
                i += skipped
                if skipped == remaining {
                    if case .fixedBody = state { state = .head(sawRequestLine: false, chunked: false, length: 0) } else { state = .chunkSize }
                } else if case .fixedBody = state {
                    state = .fixedBody(remaining: remaining - skipped)
                } else {
                    state = .chunkData(remaining: remaining - skipped)
                }
            case .off, .refused:
                return false
            case .head, .chunkSize, .trailers:
                // To the end of the line: a whole line within this read is judged where it lies;
                // only a line split across reads is gathered (bounded by `lineLimit`).
                let rest = UnsafeRawBufferPointer(rebasing: bytes[i...])
                guard let newline = Self.newline(in: rest) else {
                    line.append(contentsOf: rest)
                    if line.count > lineLimit { state = .off }
                    return false
                }
                guard line.count + newline <= lineLimit else {
                    state = .off
                    return false
                }
                let refused: Bool
                if line.isEmpty {
                    refused = endLine(UnsafeRawBufferPointer(rebasing: rest[..<newline]))
                } else {
                    line.append(contentsOf: rest[..<newline])
                    refused = line.withUnsafeBytes { endLine($0) }
                    line.removeAll(keepingCapacity: true)
                }
                if refused { return true }
                i += newline + 1
            }
        }
        return false
    }

    /// Acts on a complete line (its CR, if any, still on); true when it declared a chunk over the limit.
    private func endLine(_ whole: UnsafeRawBufferPointer) -> Bool {
        let line = whole.last == UInt8(ascii: "\r") ? UnsafeRawBufferPointer(rebasing: whole.dropLast()) : whole
        switch state {
        case .head(let sawRequestLine, var chunked, var length):
            if line.isEmpty {
                // Blank lines before a request line are tolerated; after it, the head ends.
                guard sawRequestLine else { return false }
                state = chunked ? .chunkSize : length > 0 ? .fixedBody(remaining: length) : .head(sawRequestLine: false, chunked: false, length: 0)
                return false
            }
            // Only two names matter (judged by their length and first letter before anything
            // else); others are passed over without making strings of them.
            if sawRequestLine, Self.mayName(line), let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                if Self.named(line[..<colon], Self.transferEncoding) {
                    chunked = String(decoding: line[(colon + 1)...], as: UTF8.self).lowercased().contains("chunked")
                } else if Self.named(line[..<colon], Self.contentLength) {
                    guard let n = Self.decimal(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])) else {
                        state = .off
                        return false
                    }
                    length = n
                }
            }
            state = .head(sawRequestLine: true, chunked: chunked, length: length)
        case .chunkSize:
            // Hex digits, then perhaps `;extensions` or spaces.
            var size = 0
            var digits = 0
            for byte in line {
                guard let digit = Self.hexValue(byte) else { break }
                digits += 1
                size = size > limit ? size : size * 16 + digit
            }
            guard digits > 0 else {
                state = .off
                return false
            }
            if size > limit { return true }
            state = size == 0 ? .trailers : .chunkData(remaining: size + 2)
        case .trailers:
            if line.isEmpty { state = .head(sawRequestLine: false, chunked: false, length: 0) }
        case .fixedBody, .chunkData, .off, .refused:
            break
        }
        return false
    }

    /// Where the next LF is (memchr: the generic search walked each byte through an index).
    private static func newline(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, let found = memchr(base, Int32(UInt8(ascii: "\n")), bytes.count) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether the line can be `transfer-encoding:` or `content-length:` (first letter t or c, and
    /// a colon right after 14 or 17 bytes).
    private static func mayName(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let first = line.first, first | 0x20 == UInt8(ascii: "t") || first | 0x20 == UInt8(ascii: "c") else { return false }
        return (line.count > 14 && line[14] == UInt8(ascii: ":")) || (line.count > 17 && line[17] == UInt8(ascii: ":"))
    }

    private static let transferEncoding = Array("transfer-encoding".utf8)
    private static let contentLength = Array("content-length".utf8)

    /// Whether a header's name is `lowercase` (ASCII, any case).
    private static func named(_ name: some Collection<UInt8>, _ lowercase: [UInt8]) -> Bool {
        name.count == lowercase.count && zip(name, lowercase).allSatisfy { $0 | 0x20 == $1 }
    }

    /// A header's decimal value, spaces and tabs around it allowed; nil for anything else or past 2⁶².
    private static func decimal(_ value: UnsafeRawBufferPointer) -> Int? {
        var result = 0
        var digits = 0
        for byte in value where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), result < 1 << 58 else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? result : nil
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
