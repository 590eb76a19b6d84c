import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` on a free loopback port, for the duration of one test. Debian's package
/// (`apt-get install redis-server`; `.ci/run` installs it); the tests that need it are skipped
/// when it is missing.
final class RedisServerProcess: @unchecked Sendable {
    static let executable = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { executable != nil }
    static let missing: Comment = "redis-server is not installed (apt-get install redis-server)"

    let port: Int
    private let extraArguments: [String]
    private var process: Process?

    /// Starts one; `stop()` it in a `defer`.
    init(arguments: [String] = []) throws {
        port = try freeLoopbackPort()
        extraArguments = arguments
        try start()
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts it (again, on the same port) and waits until it accepts connections.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable!)
        // No persistence: nothing is written to disk, nothing survives a kill.
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(5)
        while !acceptsConnections(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw ServerDidNotStart(port: port)
            }
            usleep(10_000)
        }
    }

    /// Kills it at once (SIGKILL: no goodbye to clients) and waits for it to be gone.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Sends `signal` (SIGSTOP: a Redis that accepts and never answers; SIGCONT: back).
    func signal(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
    }

    deinit {
        signal(SIGCONT)
        stop()
    }
}

struct ServerDidNotStart: Error, CustomStringConvertible {
    var port: Int
    var description: String { "redis-server did not accept connections on port \(port) within 5 s" }
}

/// A port nothing listens on right now: bind to port 0, read what the kernel chose, close.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A socket that listens and never accepts: the kernel completes the handshake, nothing answers.
final class SilentListener {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard listening else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

private func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

private func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopback(port: UInt16(port))
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
