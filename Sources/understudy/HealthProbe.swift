#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One GET /health over a plain socket: the health command must start and answer in milliseconds,
/// with no event loop to bring up.
enum HealthProbe {
    struct Failure: Error {
        let message: String
    }

    /// The answer's status line, or why there is none.
    static func statusLine(host: String, port: Int, timeoutSeconds: Int) -> Result<String, Failure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let address = found else {
            return .failure(Failure(message: "cannot resolve \(host)"))
        }
        defer { freeaddrinfo(found) }
        let fd = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failure(Failure(message: "no socket (errno \(errno))")) }
        defer { close(fd) }
        // Bounds connect, write and read alike (Linux applies the send timeout to connect).
        var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            return .failure(Failure(message: String(cString: strerror(errno))))
        }
        let request = Array("GET /health HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            return .failure(Failure(message: "cannot send the request"))
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !answer.contains(0x0A), answer.count < 4096 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            answer += buffer[..<n]
        }
        guard let end = answer.firstIndex(of: 0x0A) else {
            return .failure(Failure(message: answer.isEmpty ? "no answer" : "no status line"))
        }
        return .success(String(decoding: answer[..<end], as: UTF8.self).trimmingSuffix("\r"))
    }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
