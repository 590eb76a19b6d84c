import NIOCore
import UnderstudyMock

/// Encodes HTTP/1.1 response heads and bodies straight into one `ByteBuffer`: a canned JSON answer
/// leaves in a single write, with no per-header encoder objects on the way.
enum HTTPResponseWriter {
    static func head(
        _ response: MockResponse, date: String, contentLength: Int?, keepAlive: Bool, http10: Bool,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeString(http10 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(response.status))
        buffer.writeString(" ")
        buffer.writeString(reason(response.status))
        buffer.writeString("\r\n")
        for header in response.headers {
            buffer.writeString(header.name)
            buffer.writeString(": ")
            buffer.writeString(header.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("date: ")
        buffer.writeString(date)
        if let contentLength {
            buffer.writeString("\r\ncontent-length: ")
            buffer.writeString(String(contentLength))
        } else {
            buffer.writeString("\r\ntransfer-encoding: chunked\r\ncache-control: no-cache")
        }
        if !keepAlive {
            buffer.writeString("\r\nconnection: close")
        } else if http10 {
            buffer.writeString("\r\nconnection: keep-alive")
        }
        buffer.writeString("\r\n\r\n")
    }

    /// One chunk of a chunked body: hex length, CRLF, bytes, CRLF.
    static func chunk(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString(String(bytes.count, radix: 16))
        buffer.writeString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
    }

    static let lastChunk = "0\r\n\r\n"

    static func reason(_ status: Int) -> String {
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
        default: "Status \(status)"
        }
    }
}
