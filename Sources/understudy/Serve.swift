import ArgumentParser
import Dispatch
import Logging
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Understudy {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the mock API until SIGINT or SIGTERM.",
            discussion: "Prints one line, 'Understudy listening on http://HOST:PORT', once it accepts connections."
        )

        @Option(help: "Address to bind. Only loopback unless you say otherwise.")
        var host = "127.0.0.1"

        @Option(help: "Port to bind; 0 lets the system choose (the chosen port is printed).")
        var port = 8080

        @Option(help: "A fixtures directory with models.yaml and replies.yaml (default: the embedded fixtures).")
        var fixtures: String?

        @Option(help: "The provider to speak as: openai, openrouter or aimlapi (per request: X-Understudy-Flavor).")
        var flavor: Flavor = .openai

        @Option(help: "Serve recorded exchanges (.jsonl, .har) from this directory, matched on the canonical request.")
        var replay: String?

        @Option(name: .customLong("replay-miss"), help: "When no recording matches: synthesize or 404.")
        var replayMiss: ReplayBook.Miss = .synthesize

        @Flag(name: .customLong("replay-full-speed"), help: "Play recorded streams at full speed, not with their recorded pacing.")
        var replayFullSpeed = false

        @Option(name: .customLong("admin-token"), help: "Token for the admin API (/__understudy/); required to enable it beyond loopback.")
        var adminToken: String?

        @Flag(name: .customLong("no-admin"), help: "Switch the admin API off.")
        var noAdmin = false

        @Option(help: "Prometheus metrics at GET /metrics, on or off; served where the admin API is (its token beyond loopback).")
        var metrics: OnOff = .on

        @Option(name: .customLong("rate-limit"), help: "Requests and tokens per minute per API key, e.g. rpm=60,tpm=40000.")
        var rateLimit: String?

        @Option(name: .customLong("api-keys"), help: "Accepted API keys: a comma-separated list or a file (one a line); mark a key ':byok' if it has BYOK set up. Without it any key is accepted.")
        var apiKeys: String?

        @Option(help: "Scenario rules (YAML) instead of the fixtures' scenarios.yaml; see fixtures/scenarios.yaml.")
        var scenarios: String?

        @Option(help: "An OpenAPI document to use instead of the embedded specs/openai.yaml.")
        var spec: String?

        @Option(name: .customLong("validate-requests"), help: "strict (400 on a contract violation), warn (serve and log) or off.")
        var validateRequests: RequestValidation = .strict

        @Flag(name: .customLong("self-check"), help: "Validate every response and stream chunk against the contract and log violations.")
        var selfCheck = false

        @Option(help: "Seed mixed into every id and generated text.")
        var seed: UInt64 = 0

        @Option(help: "'system', or an ISO-8601 instant that every response treats as now (e.g. 2025-07-01T00:00:00Z).")
        var clock = "system"

        @Option(name: .customLong("stream-interval-ms"), help: "Milliseconds between streamed frames.")
        var streamIntervalMilliseconds = 0

        @Option(name: .customLong("timing"), help: ArgumentHelp(
            "'off' (answers as fast as the socket takes them, or --stream-interval-ms apart), 'realistic' (each model's time to first token, prefill, tokens per second, jitter, bursts and capacity from the catalog), or a YAML FILE changing them (every_model:, models:).",
            valueName: "off|realistic|FILE"))
        var timing = "off"

        @Option(name: .customLong("response-store-limit"), help: "Stored responses, stored chat completions and conversations kept (each store); the least recently used go.")
        var responseStoreLimit = 1000

        @Option(name: .customLong("models"), help: ArgumentHelp(
            "'catalog' (unknown model ids get the live API's 404) or 'open[=ID]': unknown ids (fine-tunes, a gateway's names) are served with the facts of ID (default gpt-4o; a fine-tune ft:BASE:… uses BASE's), said in x-understudy-model-stand-in.",
            valueName: "catalog|open[=ID]"))
        var models = "catalog"

        @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted; larger gets 413.")
        var maxBodyBytes = 8 * 1024 * 1024

        @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection stays open.")
        var idleTimeoutSeconds = 60

        @Option(name: .customLong("shutdown-grace"), help: "Seconds a SIGINT or SIGTERM lets responses in flight finish; then connections are closed, and if the server has still not stopped 2 seconds later (a busy event loop) it exits anyway with status 1.")
        var shutdownGraceSeconds = 5

        @Option(help: "Event loop threads (default: one per core).")
        var threads: Int?

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel = "info"

        @OptionGroup(title: "Shared state (replicas)")
        var state: StateOptions

        func validate() throws {
            guard ServerClock(argument: clock) != nil else {
                throw ValidationError("--clock must be 'system' or an ISO-8601 instant such as 2025-07-01T00:00:00Z, not '\(clock)'.")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
            guard maxBodyBytes > 0, idleTimeoutSeconds > 0, streamIntervalMilliseconds >= 0, responseStoreLimit > 0 else {
                throw ValidationError("--max-body-bytes and --idle-timeout must be positive, --stream-interval-ms not negative.")
            }
            guard (0...3600).contains(shutdownGraceSeconds) else { throw ValidationError("--shutdown-grace must be between 0 and 3600 seconds.") }
            guard models == "catalog" || models == "open" || models.hasPrefix("open=") else {
                throw ValidationError("--models takes 'catalog', 'open' or 'open=MODEL', not '\(models)'.")
            }
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level '\(logLevel)'.") }
            if let rateLimit, RateLimiter.Limits(argument: rateLimit) == nil {
                throw ValidationError("--rate-limit takes rpm=N and/or tpm=N, comma-separated, e.g. rpm=60,tpm=40000.")
            }
        }

        func run() async throws {
            let termination = TerminationSignal()
            bootstrapLogging(level: logLevel)
            var loaded: Fixtures
            do {
                loaded = try fixtures.map { try Fixtures.load(directory: $0) } ?? Fixtures.embedded()
                if let scenarios { loaded.scenarios = try Fixtures.loadScenarios(path: scenarios) }
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            if models != "catalog" {
                let standIn = models.hasPrefix("open=") ? String(models.dropFirst(5)) : "gpt-4o"
                guard loaded.catalog.model(named: standIn) != nil else {
                    printError("understudy: --models open=\(standIn): no such model in the catalog")
                    throw ExitCode(2)
                }
                loaded.catalog.openDefault = standIn
            }
            let contract: OpenAIContract
            do {
                contract = try spec.map { try OpenAIContract.load(path: $0) } ?? OpenAIContract.embedded()
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            // Once, at start: what the document lacks (never a line per request).
            if let spec, let note = contract.startNote { printError("understudy: \(spec): \(note)") }
            var configuration = MockConfiguration(
                fixtures: loaded, contract: contract, requestValidation: validateRequests, selfCheck: selfCheck,
                seed: seed, clock: ServerClock(argument: clock)!,
                streamIntervalNanoseconds: Int64(streamIntervalMilliseconds) * 1_000_000)
            configuration.responseStoreLimit = responseStoreLimit
            switch timing {
            case "off": break
            case "realistic": configuration.timing = .realistic()
            default:
                do {
                    configuration.timing = try loaded.loadTiming(path: timing)
                } catch {
                    printError("understudy: \(error)")
                    throw ExitCode(2)
                }
            }
            configuration.flavor = flavor
            if let replay {
                do {
                    configuration.replay = try ReplayBook(directory: replay, miss: replayMiss, recordedPacing: !replayFullSpeed)
                } catch {
                    printError("understudy: \(error)")
                    throw ExitCode(2)
                }
            }
            // The admin API: open on loopback; beyond it, only with a token.
            let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
            configuration.admin = noAdmin ? .off : adminToken.map { .token($0) } ?? (loopback ? .open : .off)
            configuration.rateLimits = rateLimit.flatMap(RateLimiter.Limits.init(argument:))
            if let apiKeys {
                // A readable file holds the keys; anything else is the list itself.
                let list = FileBytes.read(apiKeys).map { String(decoding: $0, as: UTF8.self) } ?? apiKeys
                configuration.access = Access(list: list)
                if configuration.access!.keys.isEmpty {
                    printError("understudy: --api-keys \(apiKeys): no keys")
                    throw ExitCode(2)
                }
            }
            configuration.state = try await state.connect(recordLimit: responseStoreLimit, logger: Logger(label: "understudy.state"))
            let engine = MockEngine(configuration: configuration)
            var server = ServerConfiguration()
            server.host = host
            server.port = port
            server.maxBodyBytes = maxBodyBytes
            server.idleTimeout = .seconds(idleTimeoutSeconds)
            server.shutdownGracePeriod = .seconds(shutdownGraceSeconds)
            if let threads { server.threads = threads }
            server.metrics = metrics == .on

            let running: UnderstudyServer
            do {
                running = try await UnderstudyServer.start(engine: engine, configuration: server)
            } catch {
                printError("understudy: cannot listen on \(host):\(port): \(startFailure(error))")
                throw ExitCode(1)
            }
            writeLine("Understudy listening on \(running.baseURL)", to: 1)
            await termination.wait()
            ShutdownWatchdog.start(after: shutdownGraceSeconds + ShutdownWatchdog.margin)
            await running.shutdown()
        }
    }
}

/// SIGINT and SIGTERM, caught from the moment this is made. Made before the readiness line is
/// printed: a signal that came between that line and the handlers being set (a supervisor stopping
/// a server it has just started) was ignored, and the server never stopped.
final class TerminationSignal: @unchecked Sendable {
    // Touched only on `queue`.
    private var fired = false
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "understudy.signals")

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                self.fired = true
                self.continuation?.resume()
                self.continuation = nil
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Returns once a signal has come (at once, if one already has).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if self.fired { continuation.resume() } else { self.continuation = continuation }
            }
        }
    }
}

/// Writes a line straight to a file descriptor, unbuffered: the readiness line must reach a pipe
/// at once, and the C streams are not concurrency-safe globals in Swift 6.
func writeLine(_ line: String, to fd: Int32) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        offset += n
    }
}

/// Logs go to standard error at `level` (info when it is not a level's name).
func bootstrapLogging(level: String) {
    let level = Logger.Level(rawValue: level) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

func printError(_ message: String) {
    writeLine(message, to: 2)
}

extension RequestValidation: ExpressibleByArgument {}

enum OnOff: String, ExpressibleByArgument {
    case on, off
}

extension Flavor: ExpressibleByArgument {}

extension ReplayBook.Miss: ExpressibleByArgument {}
