import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

/// An Understudy server inside your test process: a real HTTP server on 127.0.0.1 and a free
/// port, answering any OpenAI-compatible client you point at `openAIBaseURL`.
///
/// ```swift
/// try await Understudy.withServer { server in
///     try server.addScenarios("""
///     scenarios:
///       - name: flaky
///         sequence: [{error: rate-limit, times: 2}, pass]
///     """)
///     let client = MyLLMClient(baseURL: server.openAIBaseURL, apiKey: "test")
///     let answer = try await client.complete("Hello")       // retried twice, then answered
///     #expect(server.journal.map(\.status) == [429, 429, 200])
/// }
/// ```
public final class Understudy: Sendable {
    public let server: UnderstudyServer

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { server.baseURL }
    /// `http://127.0.0.1:PORT/v1`: the base URL for OpenAI SDKs.
    public var openAIBaseURL: String { server.baseURL + "/v1" }
    /// `http://127.0.0.1:PORT/api/v1`: OpenRouter's base path (its flavour).
    public var openRouterBaseURL: String { server.baseURL + "/api/v1" }
    public var port: Int { server.port }

    private init(server: UnderstudyServer) {
        self.server = server
    }

    /// Starts a server with the embedded fixtures and contract (or yours), on a port the system
    /// chooses. The clock is fixed by default, so answers are byte-identical from run to run.
    public static func start(
        seed: UInt64 = 0,
        clock: ServerClock = .fixed(1_751_328_000),
        flavor: Flavor = .openai,
        fixtures: Fixtures? = nil,
        selfCheck: Bool = true,
        replay: ReplayBook? = nil
    ) async throws -> Understudy {
        var configuration = MockConfiguration(
            fixtures: try fixtures ?? Fixtures.embedded(), contract: try OpenAIContract.embedded(),
            selfCheck: selfCheck, seed: seed, clock: clock)
        configuration.flavor = flavor
        configuration.replay = replay
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.port = 0
        serverConfiguration.threads = 1
        serverConfiguration.shutdownGracePeriod = .seconds(2)
        let server = try await UnderstudyServer.start(engine: MockEngine(configuration: configuration), configuration: serverConfiguration)
        return Understudy(server: server)
    }

    /// Starts a server, runs `body` with it, and stops it, whatever `body` does.
    public static func withServer<T: Sendable>(
        seed: UInt64 = 0, clock: ServerClock = .fixed(1_751_328_000), flavor: Flavor = .openai,
        _ body: (Understudy) async throws -> T
    ) async throws -> T {
        let understudy = try await start(seed: seed, clock: clock, flavor: flavor)
        do {
            let result = try await body(understudy)
            await understudy.stop()
            return result
        } catch {
            await understudy.stop()
            throw error
        }
    }

    /// Adds scenario rules, written as in fixtures/scenarios.yaml.
    public func addScenarios(_ yaml: String) throws {
        try server.engine.addScenarios(yaml: yaml)
    }

    /// Removes the scenario of that name, or all of them.
    public func removeScenarios(named name: String? = nil) {
        server.engine.removeScenarios(named: name)
    }

    /// Every exchange so far, oldest first.
    public var journal: [JournalEntry] { server.engine.journalEntries() }

    /// Responses and stream chunks that broke the contract in specs/ (with `selfCheck`).
    public var contractViolations: [String] { server.engine.selfCheckViolations }

    /// Moves the server clock (deprecations, rate-limit windows, `created`).
    public func setClock(_ clock: ServerClock?) { server.engine.setServerClock(clock) }

    /// Forgets learnt state: repeat counts, stored responses, scenario counts, the journal.
    public func reset() { server.engine.resetState() }

    public func stop() async { await server.shutdown() }
}
