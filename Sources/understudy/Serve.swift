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
            discussion: """
                Prints one line, 'Understudy listening on http://HOST:PORT', once it accepts connections. \
                Every option may also come from a variable, UNDERSTUDY_ and its name in capitals \
                (UNDERSTUDY_PORT=0, UNDERSTUDY_SELF_CHECK=1); the command line wins.

                Examples:
                  understudy serve
                  understudy serve --port 0 --clock 2025-07-01T00:00:00Z --self-check
                  understudy serve --flavor openrouter --timing realistic
                  understudy serve --scenarios fixtures/scenarios.yaml --rate-limit rpm=60
                  understudy serve --host 0.0.0.0 --admin-token "$TOKEN"
                  understudy serve --state redis://127.0.0.1:6379/0

                Exit status: 0 after SIGINT or SIGTERM, 1 when it cannot listen (or shut down in time), 2 on a \
                usage error or unreadable fixtures, spec, scenarios or recordings.
                """
        )

        @OptionGroup(title: "General")
        var general: ServeGeneralOptions

        @OptionGroup(title: "Answers")
        var answers: ServeAnswerOptions

        @OptionGroup(title: "Server")
        var server: ServeServerOptions

        // Last in the help: only replicas need them.
        @OptionGroup(title: "Shared state (replicas)")
        var state: StateOptions

        func run() async throws {
            let termination = TerminationSignal()
            bootstrapLogging(level: general.logLevel)
            var loaded: Fixtures
            do {
                loaded = try general.fixtures.map { try Fixtures.load(directory: $0) } ?? Fixtures.embedded()
                if let scenarios = answers.scenarios { loaded.scenarios = try Fixtures.loadScenarios(path: scenarios) }
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            if answers.models != "catalog" {
                let standIn = answers.models.hasPrefix("open=") ? String(answers.models.dropFirst(5)) : "gpt-4o"
                guard loaded.catalog.model(named: standIn) != nil else {
                    printError("understudy: --models open=\(standIn): no such model in the catalog")
                    throw ExitCode(2)
                }
                loaded.catalog.openDefault = standIn
            }
            let contract: OpenAIContract
            do {
                contract = try general.spec.map { try OpenAIContract.load(path: $0) } ?? OpenAIContract.embedded()
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            // Once, at start: what the document lacks (never a line per request).
            if let spec = general.spec, let note = contract.startNote { printError("understudy: \(spec): \(note)") }
            var configuration = MockConfiguration(
                fixtures: loaded, contract: contract, requestValidation: general.validateRequests, selfCheck: general.selfCheck,
                seed: general.seed, clock: general.clock,
                streamIntervalNanoseconds: Int64(answers.streamIntervalMilliseconds) * 1_000_000)
            configuration.responseStoreLimit = server.responseStoreLimit
            switch answers.timing {
            case "off": break
            case "realistic": configuration.timing = .realistic()
            default:
                do {
                    configuration.timing = try loaded.loadTiming(path: answers.timing)
                } catch {
                    printError("understudy: \(error)")
                    throw ExitCode(2)
                }
            }
            configuration.flavor = general.flavor
            if let replay = answers.replay {
                do {
                    configuration.replay = try ReplayBook(directory: replay, miss: answers.replayMiss, recordedPacing: !answers.replayFullSpeed)
                } catch {
                    printError("understudy: \(error)")
                    throw ExitCode(2)
                }
            }
            // The admin API: open on loopback; beyond it, only with a token.
            let host = general.host
            let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
            configuration.admin = server.noAdmin ? .off : server.adminToken.map { .token($0) } ?? (loopback ? .open : .off)
            configuration.rateLimits = answers.rateLimit.flatMap(RateLimiter.Limits.init(argument:))
            if let apiKeys = answers.apiKeys {
                // A readable file holds the keys; anything else is the list itself.
                let list = FileBytes.read(apiKeys).map { String(decoding: $0, as: UTF8.self) } ?? apiKeys
                configuration.access = Access(list: list)
                if configuration.access!.keys.isEmpty {
                    printError("understudy: --api-keys \(apiKeys): no keys")
                    throw ExitCode(2)
                }
            }
            configuration.state = try await state.connect(recordLimit: server.responseStoreLimit, logger: Logger(label: "understudy.state"))
            let engine = MockEngine(configuration: configuration)
            var wire = ServerConfiguration()
            wire.host = host
            wire.port = general.port
            wire.maxBodyBytes = server.maxBodyBytes
            wire.idleTimeout = .seconds(server.idleTimeoutSeconds)
            wire.shutdownGracePeriod = .seconds(server.shutdownGraceSeconds)
            if let threads = server.threads { wire.threads = threads }
            wire.metrics = server.metrics == .on
            wire.dashboardBytes = server.dashboard == .on ? server.dashboardMemory.bytes : nil

            let running: UnderstudyServer
            do {
                running = try await UnderstudyServer.start(engine: engine, configuration: wire)
            } catch {
                printError("understudy: cannot listen on \(host):\(general.port): \(startFailure(error))")
                throw ExitCode(1)
            }
            writeLine("Understudy listening on \(running.baseURL)", to: 1)
            await termination.wait()
            ShutdownWatchdog.start(after: server.shutdownGraceSeconds + ShutdownWatchdog.margin)
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

/// Logs go to standard error at `level`.
func bootstrapLogging(level: Logger.Level) {
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

extension Flavor: ExpressibleByArgument {}

extension ReplayBook.Miss: ExpressibleByArgument {}
