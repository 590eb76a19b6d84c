#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import UnderstudyContract

/// Appends exchanges, redacted by `ExchangeWriter`, to one JSONL file per proxy run in the record
/// directory (`proxy-<unix time>-<pid>.jsonl`, readable by `validate` and `serve --replay`). Each
/// line is written whole and flushed, so a crash loses at most the exchange in flight.
final class ExchangeRecorder: Sendable {
    struct OpenError: Error, CustomStringConvertible {
        var description: String
    }

    let path: String
    private let file: Mutex<Int32>

    init(directory: String) throws(OpenError) {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw OpenError(description: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        path = "\(directory)/proxy-\(time(nil))-\(getpid()).jsonl"
        // Recordings hold prompts and answers: readable by their owner only.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OpenError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        file = Mutex(fd)
    }

    func record(_ exchange: Exchange) {
        let line = ExchangeWriter.jsonl(exchange)
        file.withLock { fd in
            var offset = 0
            while offset < line.count {
                let n = line[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    deinit {
        file.withLock { fd in _ = close(fd) }
    }
}
