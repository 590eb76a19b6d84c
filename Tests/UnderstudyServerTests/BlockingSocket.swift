#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP socket to 127.0.0.1:`port` (a file descriptor, or -1 when it could not
/// connect), for tests that must control exactly when bytes leave and are read: `receiveBuffer`
/// is set before connecting (no autotuning), `receiveTimeout` bounds every `recv`.
func blockingSocket(port: Int, receiveBuffer: Int32? = nil, receiveTimeout seconds: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return -1
    }
    return fd
}

/// Sends `request` on a fresh connection at once and reads until the server closes it.
func blockingExchange(port: Int, _ request: String) -> String {
    let fd = blockingSocket(port: port, receiveTimeout: 30)
    guard fd >= 0 else { return "(connect failed: errno \(errno))" }
    defer { close(fd) }
    let bytes = Array(request.utf8)
    guard send(fd, bytes, bytes.count, 0) == bytes.count else { return "(send failed: errno \(errno))" }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { break }
        received += chunk[..<n]
    }
    return String(decoding: received, as: UTF8.self)
}
