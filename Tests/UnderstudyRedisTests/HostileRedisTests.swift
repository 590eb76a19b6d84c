import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyRedis
import UnderstudyRedisState

/// An engine whose state is `state`, as `serve --state redis://…` builds it.
func redisEngine(_ state: any ServerState, rateLimits: RateLimiter.Limits? = nil) throws -> MockEngine {
    var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), contract: try OpenAIContract.embedded(), seed: 0, clock: .fixed(1_751_328_000))
    configuration.state = state
    configuration.rateLimits = rateLimits
    return MockEngine(configuration: configuration)
}

/// Runs `body` on a thread of its own: a Redis state blocks for its round trips, which must not
/// happen on the cooperative pool (nor an event loop).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

let chatBody = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#.utf8)

func chat(_ engine: MockEngine, key: String = "sk-test") -> MockResponse {
    engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions",
                                   headers: [("content-type", "application/json"), ("authorization", "Bearer \(key)")], body: chatBody))
}

/// A fresh redis-server and a client connected to it: `stop()` the one, `close()` the other.
func connectedRedis() async throws -> (server: RedisServerProcess, address: RedisAddress, client: RedisClient) {
    let server = try RedisServerProcess()
    let address = try RedisAddress(url: server.url)
    let client = RedisClient(address: address, group: MultiThreadedEventLoopGroup.singleton)
    do {
        try await client.connect()
    } catch {
        server.stop()
        throw error
    }
    return (server, address, client)
}

/// The JSON body of an answer.
func json(_ response: MockResponse) -> JSONValue? {
    guard case .bytes(let bytes) = response.body else { return nil }
    return try? JSONParser.parse(bytes)
}

/// Integers read from Redis are range-checked like input (issue 21, item 6): a hostile value is a
/// 503 `state_unavailable` in the provider's envelope, never a trap.
@Suite("Hostile values from Redis")
struct HostileRedisTests {
    /// Replies a Redis could send where a count is due, none of which a server wrote.
    static let hostile = [":-9223372036854775808\r\n", ":9223372036854775807\r\n", ":-5\r\n", ":0\r\n", "$5\r\n1e308\r\n", "$2\r\n-7\r\n"]

    @Test("a fake Redis answering a hostile integer to INCR: 503 state_unavailable, and the engine keeps answering", arguments: hostile)
    func hostileCounter(reply: String) async throws {
        let fake = try await FakeRedis { words in
            words.first == "INCR" ? reply : words.first == "EXPIRE" ? ":1\r\n" : words.first == "LRANGE" ? "*0\r\n" : ":1\r\n"
        }
        let address = try RedisAddress(url: fake.url)
        let client = RedisClient(address: address, group: MultiThreadedEventLoopGroup.singleton)
        let engine = try redisEngine(RedisState(client: client, address: address, prefix: "t"))
        let (first, second) = try await offPool { (chat(engine), chat(engine)) }
        for answer in [first, second] {
            #expect(answer.status == 503)
            #expect(json(answer)?["error"]?["code"] == .string("state_unavailable"))
            #expect(json(answer)?["error"]?["message"]?.stringValue?.contains("an occurrence count") == true, "\(String(describing: json(answer)))")
        }
        await client.close()
        await fake.close()
    }

    @Test("rate-window counts at ±2⁶³ or 1e308 from a fake Redis: 503, not a trap in the rate limiter", arguments: [
        "*3\r\n:1\r\n:-9223372036854775808\r\n:0\r\n", "*3\r\n:1\r\n:1\r\n:9223372036854775807\r\n", "*3\r\n:7\r\n:1\r\n:0\r\n",
        "*2\r\n:1\r\n:1\r\n", "*3\r\n:1\r\n$5\r\n1e308\r\n:0\r\n",
    ])
    func hostileWindow(reply: String) async throws {
        let fake = try await FakeRedis { words in
            switch words.first {
            case "INCR": ":1\r\n"
            case "LRANGE": "*0\r\n"
            case "EVAL": reply
            default: ":1\r\n"
            }
        }
        let address = try RedisAddress(url: fake.url)
        let client = RedisClient(address: address, group: MultiThreadedEventLoopGroup.singleton)
        let engine = try redisEngine(RedisState(client: client, address: address, prefix: "t"), rateLimits: RateLimiter.Limits(argument: "rpm=5,tpm=1000"))
        let answer = try await offPool { chat(engine) }
        #expect(answer.status == 503)
        #expect(json(answer)?["error"]?["code"] == .string("state_unavailable"))
        await client.close()
        await fake.close()
    }
}

/// The same against a real redis-server whose keys were set to values no server writes.
@Suite("Poisoned keys in a real redis-server", .enabled(if: RedisServerProcess.available, RedisServerProcess.missing))
struct PoisonedRedisTests {
    /// The keys under `pattern`, found with SCAN (a test does not know the hashes in them).
    static func keys(_ client: RedisClient, _ pattern: String) throws -> [String] {
        let reply = try client.call(RedisCommand("SCAN", "0", "MATCH", pattern, "COUNT", 10_000))
        return reply.array?.last?.array?.compactMap(\.string) ?? []
    }

    @Test("an occurrence counter SET to a negative or huge value: 503 state_unavailable, then served again once the key is gone",
          arguments: ["-5", "-9223372036854775808", "9223372036854775806"])
    func poisonedOccurrence(value: String) async throws {
        let (server, address, client) = try await connectedRedis()
        defer { server.stop() }
        let engine = try redisEngine(RedisState(client: client, address: address, prefix: "t"))
        let statuses = try await offPool { () throws -> [Int] in
            let first = chat(engine).status
            let occurrence = try Self.keys(client, "t:occ:request:*")
            for key in occurrence { _ = try client.call(RedisCommand("SET", key, value)) }
            let poisoned = chat(engine).status
            for key in occurrence { _ = try client.call(RedisCommand("DEL", key)) }
            return [first, occurrence.count, poisoned, chat(engine).status]
        }
        #expect(statuses == [200, 1, 503, 200])
        await client.close()
    }

    @Test("a rate window's counts SET to 1e308 or -2⁶³: 503 state_unavailable, not a trap", arguments: ["1e308", "-9223372036854775808"])
    func poisonedWindow(value: String) async throws {
        let (server, address, client) = try await connectedRedis()
        defer { server.stop() }
        let engine = try redisEngine(RedisState(client: client, address: address, prefix: "t"), rateLimits: RateLimiter.Limits(argument: "rpm=50,tpm=100000"))
        let statuses = try await offPool { () throws -> [Int] in
            let first = chat(engine).status
            let windows = try Self.keys(client, "t:rate:*")
            for key in windows { _ = try client.call(RedisCommand("HSET", key, "r", value, "t", value)) }
            return [first, windows.count, chat(engine).status]
        }
        #expect(statuses == [200, 1, 503])
        await client.close()
    }
}
