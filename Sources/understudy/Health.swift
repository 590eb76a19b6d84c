import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Understudy {
    /// A container's health command: an image built from scratch has no curl or shell to run one.
    struct Health: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exit 0 when the server answers GET /health with 200, else 1 (a container's health command).",
            discussion: """
                In the image: --health-cmd '/understudy health'. It reads UNDERSTUDY_PORT, as serve does.

                Examples:
                  understudy health
                  understudy health --port 8080 --timeout 5

                Exit status: 0 the server answered 200, 1 it did not (or could not be reached), 2 a usage \
                error.
                """
        )

        @Option(help: "The server's address.")
        var host = "127.0.0.1"

        @Option(help: "The server's port. (default: UNDERSTUDY_PORT, else 8080)")
        var port: Int?

        @Option(help: "Seconds to wait for the answer.")
        var timeout = 2

        func validate() throws {
            // A zero timeout on a socket means none: the health command must never hang.
            guard (1...60).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 60 seconds.") }
            if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535.") }
        }

        func run() throws {
            let port = port ?? EnvironmentOptions.get(EnvironmentOptions.variable("port")).flatMap { Int($0) } ?? 8080
            switch HealthProbe.statusLine(host: host, port: port, timeoutSeconds: timeout) {
            case .success(let line) where line.hasPrefix("HTTP/1.1 200 ") || line.hasPrefix("HTTP/1.0 200 "):
                return
            case .success(let line):
                printError("understudy: GET http://\(host):\(port)/health: \(line)")
            case .failure(let reason):
                printError("understudy: GET http://\(host):\(port)/health: \(reason.message)")
            }
            throw ExitCode(1)
        }
    }
}
