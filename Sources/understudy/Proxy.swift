import ArgumentParser
import Logging
import UnderstudyContract
import UnderstudyProxy

extension Understudy {
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sit between a client and a real provider: forward, validate live, record.",
            discussion: """
                Point the client at http://HOST:PORT/v1 (its own API key travels on to the upstream). Streams \
                pass through frame by frame; each request, answer and stream event is checked against the \
                contract, and violations go to the log, to the journal (GET /__understudy/journal) and, for \
                answers that are not streams, to the x-understudy-violations header. --record DIR writes \
                each exchange as JSONL (credentials redacted) for `validate` and `serve --replay`. \
                Prints one line, 'Understudy proxy listening on http://HOST:PORT', once it accepts connections.

                Examples:
                  understudy proxy --upstream https://api.openai.com --record recordings/
                  understudy proxy --upstream https://openrouter.ai/api --flavor openrouter
                  understudy proxy --upstream http://127.0.0.1:8090 --validate strict

                Exit status: 0 after SIGINT or SIGTERM, 1 when it cannot listen, 2 on a usage error or an \
                unreadable spec.
                """
        )

        @Option(help: "The upstream's origin and any path prefix, e.g. https://api.openai.com or https://openrouter.ai/api.")
        var upstream: String

        @Option(help: "Write every exchange (redacted JSONL) into this directory.")
        var record: String?

        @Option(name: .customLong("validate"), help: "warn: report and pass everything on; strict: also refuse what breaks the contract.")
        var validation: ProxyConfiguration.Validation = .warn

        @Option(help: "Address to bind. Only loopback unless you say otherwise.")
        var host = "127.0.0.1"

        @Option(help: "Port to bind; 0 lets the system choose.")
        var port = 8081

        @Option(help: "An OpenAPI document instead of the embedded specs/openai.yaml.")
        var spec: String?

        @Option(help: "Whose contract the upstream is held to (aimlapi is read as aiml).")
        var flavor: ContractFlavor = .openai

        @Option(help: "Seconds an upstream answer (a whole stream included) may take.")
        var timeout: Int64 = 600

        @Option(name: .customLong("log-level"), help: "Logs go to standard error.")
        var logLevel: Logger.Level = .info

        func validate() throws {
            try EmptyPath.check(spec, flag: "--spec", takes: "an OpenAPI document")
            try EmptyPath.check(record, flag: "--record", takes: "a directory")
        }

        func run() async throws {
            let termination = TerminationSignal()
            guard upstream.hasPrefix("http://") || upstream.hasPrefix("https://") else {
                printError("understudy: --upstream must be an http:// or https:// URL, not '\(upstream)'")
                throw ExitCode(2)
            }
            bootstrapLogging(level: logLevel)
            let validator = try loadValidator(spec: spec, flavor: flavor).with(flavor.validationOptions)
            var configuration = ProxyConfiguration(upstream: upstream)
            configuration.host = host
            configuration.port = port
            configuration.validation = validation
            configuration.recordDirectory = record
            configuration.requestTimeout = .seconds(timeout)
            let running: ProxyServer
            do {
                running = try await ProxyServer.start(configuration: configuration, validator: validator)
            } catch {
                printError("understudy: cannot start the proxy on \(host):\(port): \(startFailure(error))")
                throw ExitCode(1)
            }
            if let path = running.recordingPath { printError("understudy: recording to \(path)") }
            writeLine("Understudy proxy listening on \(running.baseURL)", to: 1)
            await termination.wait()
            await running.shutdown()
        }
    }
}

extension ProxyConfiguration.Validation: ExpressibleByArgument {}
