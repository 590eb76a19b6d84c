import Foundation
import Synchronization
import NIOPosix
import Testing
import UnderstudyContract
@testable import UnderstudyMock
import UnderstudyRedis
import UnderstudyRedisState

/// A record of the tests' own: a counter, so lost updates show.
private struct Tally: StoredRecord {
    static let kind = "tally"
    var id: String
    var count: Int
    var bytes: Int { 16 }
    func encoded() -> [UInt8] { Array("\(id) \(count)".utf8) }
    init(id: String, count: Int) {
        self.id = id
        self.count = count
    }
    init?(encoded: [UInt8]) {
        let parts = String(decoding: encoded, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        self.init(id: String(parts[0]), count: count)
    }
}

/// Runs `body` on threads of its own (RedisState blocks; never on the cooperative pool).
private func concurrently(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<threads {
        group.enter()
        Thread.detachNewThread {
            body(i)
            group.leave()
        }
    }
    group.wait()
}

/// RedisState's decisions against a real redis-server: what replicas racing on one key must get.
@Suite("Redis state", .enabled(if: RedisServerProcess.available, RedisServerProcess.missing))
struct RedisStateTests {
    static func withState(records: Int = 1000, adminChanges: Int = 10_000, _ body: @escaping @Sendable (RedisState) throws -> Void) async throws {
        let server = try RedisServerProcess(arguments: [])
        defer { server.stop() }
        let address = try RedisAddress(url: server.url)
        let client = RedisClient(address: address, group: MultiThreadedEventLoopGroup.singleton)
        try await client.connect()
        var limits = RedisState.Limits()
        limits.records = records
        limits.adminChanges = adminChanges
        let state = RedisState(client: client, address: address, prefix: "t", limits: limits)
        // The state blocks for its round trips: off the cooperative pool.
        let failure = Mutex<(any Error)?>(nil)
        concurrently(1) { _ in
            do { try body(state) } catch { failure.withLock { $0 = error } }
        }
        await client.close()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    @Test("8 threads changing one record 200 times each lose no update (compare and set)")
    func noLostUpdates() async throws {
        try await Self.withState { state in
            try state.put(Tally(id: "a", count: 0))
            let failed = Mutex(0)
            concurrently(8) { _ in
                for _ in 0..<200 {
                    do { _ = try state.use(Tally.self, "a") { $0.count += 1 } } catch { failed.withLock { $0 += 1 } }
                }
            }
            #expect(failed.withLock { $0 } == 0)
            #expect(try state.use(Tally.self, "a", change: nil)?.count == 1600)
        }
    }

    @Test("records past the limit: the oldest created go; listed in creation order; deleted ones leave the list")
    func recordLimit() async throws {
        try await Self.withState(records: 5) { state in
            for i in 0..<8 { try state.put(Tally(id: "r\(i)", count: i)) }
            #expect(try state.all(Tally.self).map(\.id) == ["r3", "r4", "r5", "r6", "r7"])
            #expect(try state.use(Tally.self, "r1", change: nil) == nil)
            #expect(try state.delete(Tally.self, "r4"))
            #expect(try !state.delete(Tally.self, "r4"))
            #expect(try state.all(Tally.self).map(\.id) == ["r3", "r5", "r6", "r7"])
        }
    }

    @Test("a rate limit of 3 a minute admits exactly 3 of 40 requests from 8 threads")
    func rateLimit() async throws {
        try await Self.withState { state in
            let limits = try #require(RateLimiter.Limits(argument: "rpm=3"))
            let admitted = Mutex(0)
            concurrently(8) { _ in
                for _ in 0..<5 where (try? state.admit(RateWindow.Key(apiKey: "k", minute: 7), limits: limits))?.admitted == true {
                    admitted.withLock { $0 += 1 }
                }
            }
            #expect(admitted.withLock { $0 } == 3)
            #expect(try state.addTokens(10, to: RateWindow.Key(apiKey: "k", minute: 7)) == RateWindow(requests: 3, tokens: 10, admitted: true))
            _ = try state.admit(RateWindow.Key(apiKey: "sk-other", minute: 7), limits: limits)
            _ = try state.admit(RateWindow.Key(apiKey: "k", minute: 8), limits: limits)
            let listed = try state.rateWindows(minute: 7, limit: 10)
            #expect(listed.map(\.apiKey) == ["k", "sk-other"], "this minute's windows only, by key")
            #expect(listed.map(\.window.requests) == [3, 1] && listed.first?.window.tokens == 10)
            #expect(try state.rateWindows(minute: 7, limit: 1).count == 1)
        }
    }

    @Test("the journal keeps its last 500, numbered; occurrences count from 0; reset keeps the admin log")
    func journalAndReset() async throws {
        try await Self.withState { state in
            for i in 0..<600 {
                state.record(JournalEntry(sequence: 0, at: Int64(i), method: "POST", path: "/v1/chat/completions", status: 200,
                                          flavor: .openai, scenario: nil, attempts: nil, fault: nil))
            }
            let journal = try state.journal(limit: 1000)
            #expect(journal.count == 500)
            #expect(journal.first?.sequence == 101 && journal.last?.sequence == 600 && journal.last?.at == 599)
            #expect(try (0..<3).map { _ in try state.nextOccurrence(42, in: .request) } == [0, 1, 2])
            #expect(try state.nextOccurrence(42, in: .replay) == 0)
            #expect(try state.append(.setClock(.fixed(5))) == 1)
            #expect(try state.append(.addScenarios("scenarios: []")) == 2)
            try state.reset()
            #expect(try state.nextOccurrence(42, in: .request) == 0)
            #expect(try state.journal(limit: 10).isEmpty)
            #expect(try state.adminChanges(after: 0).entries.map(\.change) == [.setClock(.fixed(5)), .addScenarios("scenarios: []")])
            #expect(try state.adminChanges(after: 1).entries.map(\.change) == [.addScenarios("scenarios: []")])
        }
    }

    @Test("the admin log holds its limit of changes; the next that would grow it is refused with 507 and not added; a reset never is")
    func adminLogBound() async throws {
        try await Self.withState(adminChanges: 2) { (state) throws in
            #expect(try state.append(.reset) == 1)
            #expect(try state.append(.removeScenarios("x")) == 2)
            #expect(throws: APIError.adminLogFull("2 admin changes")) { try state.append(.removeScenarios("y")) }
            #expect(try state.adminChanges(after: 0).entries.map(\.change) == [.reset, .removeScenarios("x")])
            // A reset replaces the earlier one: the log does not grow.
            #expect(try state.append(.reset) == 3)
            #expect(try state.adminChanges(after: 0).entries.map(\.change) == [.removeScenarios("x"), .reset])
        }
    }

    @Test("the admin log compacts in Redis: 300 per-test setups under a 100-change limit, the log stays at a few entries")
    func adminLogCompacts() async throws {
        try await Self.withState(adminChanges: 100) { (state) throws in
            var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), seed: 3, clock: .fixed(1_751_328_000))
            configuration.state = state
            let engine = MockEngine(configuration: configuration)
            let behind = MockEngine(configuration: configuration)
            func status(_ engine: MockEngine, _ method: String, _ path: String, _ body: String = "") -> Int {
                engine.respond(to: MockRequest(method: method, path: "/__understudy/" + path, body: Array(body.utf8))).status
            }
            #expect(status(behind, "GET", "scenarios") == 200)
            for test in 0..<300 {
                let name = "test-\(test % 5)"
                #expect(status(engine, "POST", "reset") == 200)
                if test % 2 == 0 { #expect(status(engine, "DELETE", "scenarios") == 200) }
                #expect(status(engine, "POST", "scenarios", "scenarios:\n  - name: \(name)\n    error: rate-limit\n") == 200)
                #expect(status(engine, "DELETE", "scenarios/\(name)") == 200)
            }
            #expect(status(engine, "POST", "scenarios", "scenarios:\n  - name: kept\n    error: rate-limit\n") == 200)
            let log = try state.adminChanges(after: 0)
            #expect(log.last > 1_000)
            #expect(log.entries.count <= 5)
            #expect(log.entries.last?.names == ["kept"])
            // A server that was behind replays the compacted log and sees the same rule, same generation.
            #expect(status(behind, "GET", "scenarios") == 200)
            #expect(behind.scenarioBook.rules.map { "\($0.rule.name):\($0.generation)" } == ["kept:\(log.last)"])
        }
    }
}
