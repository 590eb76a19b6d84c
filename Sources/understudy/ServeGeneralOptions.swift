import ArgumentParser
import Logging
import UnderstudyMock

/// `serve`'s general options, listed first in its help: where it listens, what it serves, and how
/// strictly.
struct ServeGeneralOptions: ParsableArguments {
    @Option(help: "Address to bind. Only loopback unless you say otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 lets the system choose (the chosen port is printed).")
    var port = 8080

    @Option(help: "A fixtures directory with models.yaml and replies.yaml. (default: the embedded fixtures)")
    var fixtures: String?

    @Option(help: "An OpenAPI document to use instead of the embedded specs/openai.yaml.")
    var spec: String?

    @Option(help: "The provider to speak as (per request: the X-Understudy-Flavor header).")
    var flavor: Flavor = .openai

    @Option(name: .customLong("validate-requests"), help: "What a request that breaks the contract gets: strict, a 400; warn, served and logged; off, no check.")
    var validateRequests: RequestValidation = .strict

    @Flag(name: .customLong("self-check"), help: "Validate every response and stream chunk against the contract and log violations.")
    var selfCheck = false

    @Option(help: "Seed mixed into every id and generated text.")
    var seed: UInt64 = 0

    @Option(name: .customLong("clock"), help: ArgumentHelp(
        "The instant every response treats as now; a fixed one makes every byte reproducible. (values: system, an ISO-8601 instant such as 2025-07-01T00:00:00Z; default: system)",
        valueName: "clock"))
    var clockArgument: String?

    @Option(name: .customLong("log-level"), help: "Logs go to standard error.")
    var logLevel: Logger.Level = .info

    var clock: ServerClock { ServerClock(argument: clockArgument ?? "system")! }

    func validate() throws {
        try EmptyPath.check(spec, flag: "--spec", takes: "an OpenAPI document")
        try EmptyPath.check(fixtures, flag: "--fixtures", takes: "a fixtures directory")
        guard ServerClock(argument: clockArgument ?? "system") != nil else {
            throw ValidationError("--clock must be 'system' or an ISO-8601 instant such as 2025-07-01T00:00:00Z, not '\(clockArgument ?? "")'.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
