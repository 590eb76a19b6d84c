#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's idea of now. `fixed` makes every timestamp (and so every byte) reproducible;
/// `system` reads the wall clock.
public enum ServerClock: Sendable, Equatable {
    case system
    case fixed(Int64)

    /// Parses a `--clock` setting: `system` or an ISO-8601 instant.
    public init?(argument: String) {
        if argument == "system" {
            self = .system
        } else if let seconds = UTCDate.parseInstant(argument) {
            self = .fixed(seconds)
        } else {
            return nil
        }
    }

    /// Unix seconds now.
    public func now() -> Int64 {
        switch self {
        case .fixed(let seconds): return seconds
        case .system:
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return Int64(ts.tv_sec)
        }
    }
}
