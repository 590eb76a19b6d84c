import UnderstudyMock
import UnderstudyServer

/// Starts a real server on 127.0.0.1, port 0, with the embedded fixtures, runs `body`, shuts down.
func withServer<T: Sendable>(
    seed: UInt64 = 0,
    clock: ServerClock = .fixed(1_751_328_000),
    streamIntervalNanoseconds: Int64 = 0,
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (UnderstudyServer) async throws -> T
) async throws -> T {
    let engine = MockEngine(configuration: MockConfiguration(
        fixtures: try Fixtures.embedded(), seed: seed, clock: clock, streamIntervalNanoseconds: streamIntervalNanoseconds))
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.threads = 2
    configure(&configuration)
    let server = try await UnderstudyServer.start(engine: engine, configuration: configuration)
    do {
        let result = try await body(server)
        await server.shutdown()
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
