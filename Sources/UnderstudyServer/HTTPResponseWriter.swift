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
        if response.status == 200 && !http10 {
            buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
        } else {
            buffer.writeStaticString(http10 ? "HTTP/1.0 " : "HTTP/1.1 ")
            buffer.writeString(String(response.status))
            buffer.writeStaticString(" ")
            buffer.writeStaticString(reason(response.status))
            buffer.writeStaticString("\r\n")
        }
        for header in response.headers {
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("date: ")
        buffer.writeString(date)
        if let contentLength {
            buffer.writeStaticString("\r\ncontent-length: ")
            buffer.writeString(String(contentLength))
        } else {
            buffer.writeStaticString("\r\ntransfer-encoding: chunked\r\ncache-control: no-cache")
        }
        if !keepAlive {
            buffer.writeStaticString("\r\nconnection: close")
        } else if http10 {
            buffer.writeStaticString("\r\nconnection: keep-alive")
        }
        buffer.writeStaticString("\r\n\r\n")
    }

    /// One chunk of a chunked body: hex length, CRLF, bytes, CRLF.
    static func chunk(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        var size = bytes.count
        var digits = 1
        while size >> (4 * digits) > 0 { digits += 1 }
        for d in stride(from: digits - 1, through: 0, by: -1) {
            size = (bytes.count >> (4 * d)) & 0xF
            buffer.writeInteger(size < 10 ? UInt8(ascii: "0") + UInt8(size) : UInt8(ascii: "a") + UInt8(size - 10))
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
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
