import NIOCore
import UnderstudyMock

/// Encodes HTTP/1.1 response heads and bodies straight into one `ByteBuffer`: a canned JSON answer
/// leaves in a single write, with no per-header encoder objects on the way. Constant text is
/// written as static strings (no UTF-8 view walking).
enum HTTPResponseWriter {
    static func head(
        _ response: MockResponse, date: String, contentLength: Int?, keepAlive: Bool, http10: Bool,
        into buffer: inout ByteBuffer
    ) {
        // Measured first, then copied in one pass over the buffer's memory: a call into the
        // buffer per piece (a dozen for five headers) was 6,300 instructions a canned answer.
        // The fixed text is at most 150 bytes (status line with the longest reason, date: and
        // transfer-encoding lines, connection: keep-alive).
        var length = 192 + date.utf8.count
        for header in response.headers { length += header.name.utf8.count + header.value.utf8.count + 4 }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { memory in
            var out = HeadBytes(memory)
            if response.status == 200 && !http10 {
                out.put("HTTP/1.1 200 OK\r\n")
            } else {
                out.put(http10 ? "HTTP/1.0 " : "HTTP/1.1 ")
                out.put(decimal: response.status)
                out.put(" ")
                out.put(reason(response.status))
                out.put("\r\n")
            }
            for header in response.headers {
                out.put(header.name)
                out.put(": ")
                out.put(header.value)
                out.put("\r\n")
            }
            out.put("date: ")
            out.put(date)
            if let contentLength {
                out.put("\r\ncontent-length: ")
                out.put(decimal: contentLength)
            } else {
                out.put("\r\ntransfer-encoding: chunked\r\ncache-control: no-cache")
            }
            if !keepAlive {
                out.put("\r\nconnection: close")
            } else if http10 {
                out.put("\r\nconnection: keep-alive")
            }
            out.put("\r\n\r\n")
            return out.count
        }
    }

    /// Bytes copied into memory reserved for them (`head` and `chunk` measured it; overrunning it
    /// would be this file's bug, and stops the server rather than write past the buffer).
    private struct HeadBytes {
        let memory: UnsafeMutableRawBufferPointer
        var count = 0

        init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

        mutating func put(_ text: StaticString) {
            put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func put(_ text: String) {
            // In place, small strings included: `withUTF8` on a copy retained and released each
            // header's heap strings.
            if text.utf8.withContiguousStorageIfAvailable({ put(UnsafeRawBufferPointer($0)) }) == nil {
                var text = text
                text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
            }
        }

        mutating func put(_ bytes: UnsafeRawBufferPointer) {
            precondition(count + bytes.count <= memory.count)
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            (memory.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
            count += bytes.count
        }

        /// A non-negative integer in lowercase hex (a chunk's size).
        mutating func put(hex value: Int) {
            var digits = 1
            while value >> (4 * digits) > 0 && digits < 16 { digits += 1 }
            precondition(count + digits <= memory.count)
            for d in 0..<digits {
                let nibble = (value >> (4 * (digits - 1 - d))) & 0xF
                memory[count + d] = nibble < 10 ? UInt8(ascii: "0") + UInt8(nibble) : UInt8(ascii: "a") + UInt8(nibble - 10)
            }
            count += digits
        }

        /// A non-negative integer in decimal (a status, a length).
        mutating func put(decimal value: Int) {
            var digits = 1
            var scale = 10
            while value >= scale && digits < 19 {
                digits += 1
                scale &*= 10
            }
            precondition(count + digits <= memory.count)
            var rest = max(0, value)
            for index in stride(from: count + digits - 1, through: count, by: -1) {
                memory[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            count += digits
        }
    }

    /// One chunk of a chunked body: hex length, CRLF, bytes, CRLF, in one pass over the buffer's
    /// memory (a stream writes one per frame: a call into the buffer per digit was 1,750
    /// instructions a frame).
    static func chunk(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bytes.count + 20) { memory in
            var out = HeadBytes(memory)
            out.put(hex: bytes.count)
            out.put("\r\n")
            bytes.withUnsafeBytes { out.put($0) }
            out.put("\r\n")
            return out.count
        }
    }

    static let lastChunk: StaticString = "0\r\n\r\n"

    static func reason(_ status: Int) -> StaticString {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Unknown"
        }
    }
}
