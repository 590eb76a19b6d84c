#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Reads whole files without Foundation.
public enum FileBytes {
    /// The largest file read whole: specs, fixtures and key lists are far smaller. A device
    /// (`/dev/zero`) or a runaway file must not fill memory.
    public static let maximumSize = 256 << 20

    /// The file's bytes, or nil (with `lastError` set) if it cannot be opened, is not a regular
    /// file, or is larger than `maximumSize`.
    public static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else {
            failure.withLock { $0 = String(cString: strerror(errno)) }
            return nil
        }
        defer { fclose(file) }
        var info = stat()
        guard fstat(fileno(file), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
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
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            guard bytes.count + n <= maximumSize else {
                failure.withLock { $0 = "larger than \(maximumSize >> 20) MiB" }
                return nil
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Why the last `read` failed, in words.
    public static var lastError: String { failure.withLock { $0 } }

    private static let failure = Mutex("")
}
