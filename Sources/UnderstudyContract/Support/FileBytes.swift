#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Reads whole files without Foundation.
public enum FileBytes {
    /// The largest file read whole: specs, fixtures and key lists are far smaller. A device
    /// (`/dev/zero`) or a runaway file must not fill memory.
    public static let maximumSize = 256 << 20

    /// The file's bytes, or nil (with `lastError` set) if it cannot be opened, is not a regular
    /// file (a FIFO, socket or device: opened without blocking, so a FIFO with no writer does not
    /// hang the reader), or is larger than `maximumSize`.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            failure.withLock { $0 = String(cString: strerror(errno)) }
            return nil
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            failure.withLock { $0 = "not a regular file" }
            return nil
        }
        guard Int(info.st_size) <= maximumSize else {
            failure.withLock { $0 = "larger than \(maximumSize >> 20) MiB" }
            return nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                failure.withLock { $0 = String(cString: strerror(errno)) }
                return nil
            }
            if n == 0 { break }
            guard bytes.count + n <= maximumSize else {
                failure.withLock { $0 = "larger than \(maximumSize >> 20) MiB" }
                return nil
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// The path with every symbolic link, `.` and `..` resolved, or nil if it does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// Why the last `read` failed, in words.
    public static var lastError: String { failure.withLock { $0 } }

    private static let failure = Mutex("")
}
