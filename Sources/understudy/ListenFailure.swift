import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a server could not start, in words a person can act on. NIO's own text for a socket error
/// reads "bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)", with a stray ')'.
func startFailure(_ error: any Error) -> String {
    guard let io = error as? IOError else { return "\(error)" }
    let code = io.errnoCode
    let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
    switch code {
    case EADDRINUSE:
        return "\(reason) (errno \(code)): another process holds this port; choose another with --port, or --port 0 for a free one"
    case EACCES:
        return "\(reason) (errno \(code)): ports below 1024 need privileges; choose another with --port"
    default:
        return "\(reason) (errno \(code))"
    }
}
