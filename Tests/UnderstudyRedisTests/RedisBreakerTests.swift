import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyRedis
import UnderstudyRedisState

/// A Redis that stops answering trips a breaker (issue 21, item 7): one batch waits out the
/// timeout, the rest are refused at once (closed: 503; open: this server's memory) until a PING
/// is answered again. Counted with the client's `timedOutBatches`, not with wall clocks.
@Suite("Redis breaker")
struct RedisBreakerTests {
    @Test("a silent server: the first call waits the timeout, the next ten are refused at once by the open breaker")
    func silentTrips() async throws {
        let listener = try SilentListener()
        let client = RedisClient(address: try RedisAddress(url: "redis://127.0.0.1:\(listener.port)"),
                                 group: MultiThreadedEventLoopGroup.singleton, timeout: .milliseconds(300))
        let errors = try await offPool { () -> [RedisError?] in
            (0..<11).map { _ -> RedisError? in
                do throws(RedisError) {
                    _ = try client.call(RedisCommand("GET", "k"))
                    return nil
                } catch {
                    return error
                }
            }
        }
        #expect(errors.allSatisfy { $0?.kind == .timeout })
        #expect(errors.first??.isBreaker == false)
        #expect(errors.dropFirst().allSatisfy { $0?.isBreaker == true }, "\(errors)")
        #expect(client.breakerTrips == 1)
        #expect(client.isTripped)
        await client.close()
    }

    @Test("a redis-server stopped with SIGSTOP trips the breaker; after SIGCONT a probe closes it and calls are answered",
          .enabled(if: RedisServerProcess.available, RedisServerProcess.missing))
    func stoppedAndContinued() async throws {
        let server = try RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(address: try RedisAddress(url: server.url), group: MultiThreadedEventLoopGroup.singleton,
                                 timeout: .milliseconds(400), reconnectBackoff: .milliseconds(50))
        try await client.connect()
        server.signal(SIGSTOP)
        let during = try await offPool { () -> [RedisError?] in
            (0..<6).map { i -> RedisError? in
                do throws(RedisError) {
                    _ = try client.call(RedisCommand("SET", "k\(i)", "v"))
                    return nil
                } catch {
                    return error
                }
            }
        }
        #expect(during.allSatisfy { $0?.kind == .timeout })
        #expect(during.dropFirst().allSatisfy { $0?.isBreaker == true }, "\(during)")
        #expect(client.breakerTrips == 1)
        #expect(client.isTripped)
        server.signal(SIGCONT)
        for _ in 0..<200 where client.isTripped { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!client.isTripped)
        let after = try await offPool { try client.call(RedisCommand("GET", "k0")) }
        #expect(after.errorMessage == nil)
        #expect(client.breakerTrips == 1)
        await client.close()
    }

    /// Six chat requests to an engine whose Redis accepts and never answers: their answers, and
    /// how often the breaker opened.
    static func sixRequestsToSilentRedis(failOpen: Bool) async throws -> (answers: [MockResponse], trips: Int) {
        let listener = try SilentListener()
        let address = try RedisAddress(url: "redis://127.0.0.1:\(listener.port)")
        let client = RedisClient(address: address, group: MultiThreadedEventLoopGroup.singleton, timeout: .milliseconds(300))
        let shared = RedisState(client: client, address: address, prefix: "t")
        let engine = try redisEngine(failOpen ? FailOpenState(shared: shared, local: MemoryState(), logger: Logger(label: "test")) : shared)
        let answers = try await offPool { (0..<6).map { _ in chat(engine) } }
        await client.close()
        return (answers, client.breakerTrips)
    }

    @Test("--state-failure closed with a silent Redis: one request waits, the next are 503 state_unavailable from the open breaker")
    func closedAnswersAtOnce() async throws {
        let (answers, trips) = try await Self.sixRequestsToSilentRedis(failOpen: false)
        #expect(answers.map(\.status) == Array(repeating: 503, count: 6))
        // The first request's first batch waited; every later one was refused by the breaker.
        #expect(trips == 1)
        for answer in answers.dropFirst() {
            #expect(json(answer)?["error"]?["message"]?.stringValue?.contains("not waiting on it again until it answers a PING") == true)
        }
    }

    @Test("--state-failure open with a silent Redis: one request waits, the rest are answered from memory at once")
    func openAnswersLocally() async throws {
        let (answers, trips) = try await Self.sixRequestsToSilentRedis(failOpen: true)
        #expect(answers.map(\.status) == Array(repeating: 200, count: 6))
        #expect(trips == 1)
    }
}
