#if canImport(Glibc)
import Glibc
#endif
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

/// The compiled contract, shared by every test server.
let testContract: OpenAIContract = {
    do { return try OpenAIContract.embedded() } catch { fatalError("specs/openai.yaml: \(error)") }
}()

/// The official OpenAI document when UNDERSTUDY_OPENAPI_DOCUMENT names it: every test server also
/// self-checks against it (never copied into the repository; .ci/run sets the variable).
let officialContract: OpenAIContract? = {
    guard let value = getenv("UNDERSTUDY_OPENAPI_DOCUMENT"), value.pointee != 0 else { return nil }
    let path = String(cString: value)
    do { return try OpenAIContract.load(path: path) } catch { fatalError("UNDERSTUDY_OPENAPI_DOCUMENT: \(error)") }
}()

/// Starts a real server on 127.0.0.1, port 0, with the embedded fixtures and contract, runs `body`,
/// shuts down. Self-check is on: every response and stream chunk the server produced must
/// validate against specs/ (and the official document when it is named), and the test fails on any
/// that does not.
func withServer<T: Sendable>(
    seed: UInt64 = 0,
    clock: ServerClock = .fixed(1_751_328_000),
    streamIntervalNanoseconds: Int64 = 0,
    timing: TimingMode = .off,
    scenarios: String? = nil,
    selfCheck: Bool = true,
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (UnderstudyServer) async throws -> T
) async throws -> T {
    var fixtures = try Fixtures.embedded()
    if let scenarios { fixtures.scenarios = try ScenarioRule.parseAll(yaml: scenarios, file: "test-scenarios.yaml") }
    var mock = MockConfiguration(
        fixtures: fixtures, contract: testContract, selfCheck: selfCheck,
        seed: seed, clock: clock, streamIntervalNanoseconds: streamIntervalNanoseconds)
    mock.timing = timing
    mock.selfCheckAlso = selfCheck ? officialContract.map { [$0] } ?? [] : []
    let engine = MockEngine(configuration: mock)
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.threads = 2
    configure(&configuration)
    let server = try await UnderstudyServer.start(engine: engine, configuration: configuration)
    do {
        let result = try await body(server)
        await server.shutdown()
        #expect(engine.selfCheckViolations.isEmpty, "responses that break specs/: \(engine.selfCheckViolations.prefix(5))")
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// Splits an SSE body into its `data:` payloads.
func ssePayloads(_ text: String) -> [String] {
    text.split(separator: "\n\n", omittingEmptySubsequences: true).compactMap { frame in
        frame.hasPrefix("data: ") ? String(frame.dropFirst(6)) : nil
    }
}
