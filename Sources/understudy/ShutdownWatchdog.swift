import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounds a graceful shutdown. The server's own deadline (closing the connections after the grace
/// period) and the event loops' shutdown run on the event loops: one that never yields (a request
/// spinning in the engine) kept `serve` from ever exiting on SIGTERM, and a CI job's teardown hung.
/// This timer runs on its own Dispatch queue, outside NIO and Swift's cooperative pool.
enum ShutdownWatchdog {
    /// Seconds past the grace period for closing the connections and stopping the loops.
    static let margin = 2

    static func start(after seconds: Int) {
        DispatchQueue(label: "understudy.shutdown-watchdog").asyncAfter(deadline: .now() + .seconds(seconds)) {
            writeLine("understudy: shutdown did not finish within \(seconds) s (an event loop is still busy); exiting anyway", to: 2)
            // _exit: atexit handlers and stream flushing could wait on the busy loop too.
            _exit(1)
        }
    }
}
