import ArgumentParser

/// `serve`'s options for the server itself: the admin API, metrics, limits and shutdown.
struct ServeServerOptions: ParsableArguments {
    @Option(name: .customLong("admin-token"), help: "Token for the admin API (/__understudy/); required to enable it beyond loopback.")
    var adminToken: String?

    @Flag(name: .customLong("no-admin"), help: "Switch the admin API off.")
    var noAdmin = false

    @Option(help: "Prometheus metrics at GET /metrics, served where the admin API is (its token beyond loopback).")
    var metrics: OnOff = .on

    @Option(help: "The dashboard at /__understudy/, served where the admin API is (its token beyond loopback).")
    var dashboard: OnOff = .on

    @Option(name: .customLong("dashboard-memory"), help: "The most the dashboard's exchanges (bodies and frames included) may hold: 64MiB, 512KiB, 1GiB or bytes; the oldest go first. At least 1MiB.")
    var dashboardMemory = ByteSize(bytes: 64 << 20)

    @Option(name: .customLong("response-store-limit"), help: "Stored responses, stored chat completions and conversations kept (each store); the least recently used go.")
    var responseStoreLimit = 1000

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted; larger gets 413.")
    var maxBodyBytes = 8 * 1024 * 1024

    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection stays open.")
    var idleTimeoutSeconds = 60

    @Option(name: .customLong("shutdown-grace"), help: "Seconds a SIGINT or SIGTERM lets responses in flight finish; then connections are closed, and if the server has still not stopped 2 seconds later (a busy event loop) it exits anyway with status 1.")
    var shutdownGraceSeconds = 5

    @Option(help: "Event loop threads. (default: one per core)")
    var threads: Int?

    func validate() throws {
        guard maxBodyBytes > 0, idleTimeoutSeconds > 0, responseStoreLimit > 0 else {
            throw ValidationError("--max-body-bytes, --idle-timeout and --response-store-limit must be positive.")
        }
        guard dashboardMemory.bytes >= 1 << 20 else { throw ValidationError("--dashboard-memory must be at least 1MiB.") }
        guard (0...3600).contains(shutdownGraceSeconds) else { throw ValidationError("--shutdown-grace must be between 0 and 3600 seconds.") }
    }
}

enum OnOff: String, ExpressibleByArgument, CaseIterable {
    case on, off
}
