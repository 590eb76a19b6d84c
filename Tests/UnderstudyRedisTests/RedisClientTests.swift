import Foundation
import NIOCore
import NIOPosix
import Testing
import UnderstudyRedis

/// Runs `body` with a fresh redis-server and a client connected to it; stops both afterwards,
/// also when the body fails.
private func withRedis(
    arguments: [String] = [],
    timeout: TimeAmount = .seconds(2),
    _ body: (RedisServerProcess, RedisClient) async throws -> Void
) async throws {
    let server = try RedisServerProcess(arguments: arguments)
    defer { server.stop() }
    let client = RedisClient(address: try RedisAddress(url: server.url), group: MultiThreadedEventLoopGroup.singleton, timeout: timeout)
    try await client.connect()
    do {
        try await body(server, client)
    } catch {
        await client.close()
        throw error
    }
    await client.close()
}

/// The error `body` throws, with how long it took.
private func failure(_ body: () throws(RedisError) -> Void) -> (error: RedisError?, seconds: Double) {
    let start = ContinuousClock.now
    var caught: RedisError?
    do { try body() } catch { caught = error }
    let elapsed = ContinuousClock.now - start
    return (caught, elapsed / .seconds(1))
}

@Suite("Redis client against a real redis-server", .enabled(if: RedisServerProcess.available, RedisServerProcess.missing))
struct RedisClientTests {
    @Test("SET, GET, INCR, EXPIRE, EVAL, XADD and XREVRANGE")
    func commands() async throws {
        try await withRedis { _, client in
            #expect(try client.call(RedisCommand("SET", "k", [UInt8]([0, 255, 13, 10]))) == .simpleString("OK"))
            #expect(try client.call(RedisCommand("GET", "k")) == .bulkString([0, 255, 13, 10]))
            #expect(try client.call(RedisCommand("GET", "missing")).isNull)
            #expect(try client.call(RedisCommand("INCR", "n")) == .integer(1))
            #expect(try client.call(RedisCommand("INCRBY", "n", Int64(41))).int == 42)
            #expect(try client.call(RedisCommand("GET", "n")).int == 42)
            #expect(try client.call(RedisCommand("EXPIRE", "n", 100)) == .integer(1))
            #expect((1...100).contains(try client.call(RedisCommand("TTL", "n")).int ?? -1))

            let script = "return {KEYS[1], tonumber(ARGV[1]) * 2, {'nested', redis.call('GET', KEYS[1])}}"
            let table = try client.call(RedisCommand("EVAL", script, 1, "n", 21))
            #expect(table == .array([.bulkString(Array("n".utf8)), .integer(42), .array([.bulkString(Array("nested".utf8)), .bulkString(Array("42".utf8))])]))

            let first = try client.call(RedisCommand("XADD", "events", "*", "kind", "created")).string
            let second = try client.call(RedisCommand("XADD", "events", "*", "kind", "deleted")).string
            #expect(first != nil && second != nil)
            let entries = try client.call(RedisCommand("XREVRANGE", "events", "+", "-", "COUNT", 10)).array ?? []
            #expect(entries.map { $0.array?.first?.string } == [second, first])
            #expect(entries.first?.array?.last == .array([.bulkString(Array("kind".utf8)), .bulkString(Array("deleted".utf8))]))

            // The same through the future API, several commands in one write.
            let replies = try await client.send([RedisCommand("SET", "a", "1"), RedisCommand("INCR", "a"), RedisCommand("GET", "a")]).get()
            #expect(replies == [.simpleString("OK"), .integer(2), .bulkString(Array("2".utf8))])
            #expect(try await client.send([]).get() == [])
            #expect(try await client.send(RedisCommand("EXISTS", "a")).get() == .integer(1))
            #expect(client.isConnected)
        }
    }

    @Test("a Redis error reply comes back in its slot; the batch and the connection go on")
    func errorReply() async throws {
        try await withRedis { _, client in
            _ = try client.call(RedisCommand("SET", "word", "copper"))
            let replies = try client.call([RedisCommand("INCR", "word"), RedisCommand("NOSUCHCOMMAND"), RedisCommand("GET", "word")])
            #expect(replies[0].errorMessage?.hasPrefix("ERR value is not an integer") == true)
            #expect(replies[1].errorMessage?.hasPrefix("ERR unknown command") == true)
            #expect(replies[2].string == "copper")
            #expect(try client.call(RedisCommand("PING")) == .simpleString("PONG"))
        }
    }

    @Test("8 threads × 1,000 INCRs through call give exactly 8,000; batches keep their order")
    func pipelining() async throws {
        try await withRedis { (_, client) async throws in
            let threads = 8
            let done = DispatchGroup()
            let failures = LockedCounter()
            for _ in 0..<threads {
                done.enter()
                Thread.detachNewThread {
                    for _ in 0..<1_000 {
                        do {
                            if try client.call(RedisCommand("INCR", "counter")).int == nil { failures.add() }
                        } catch {
                            failures.add()
                        }
                    }
                    done.leave()
                }
            }
            await withCheckedContinuation { continuation in
                done.notify(queue: .global()) { continuation.resume() }
            }
            #expect(failures.value == 0)
            #expect(try client.call(RedisCommand("GET", "counter")).int == 8_000)

            // Many concurrent batches through send: each gets its own replies, in order.
            let batches = (0..<50).map { batch in
                client.send((0..<20).map { RedisCommand("ECHO", "\(batch)-\($0)") })
            }
            for (batch, future) in batches.enumerated() {
                #expect(try await future.get().map(\.string) == (0..<20).map { "\(batch)-\($0)" })
            }
        }
    }

    @Test("AUTH and SELECT from the URL; refusals are .server errors that show no password")
    func authAndSelect() async throws {
        let server = try RedisServerProcess(arguments: ["--requirepass", "s3cret-pass"])
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup.singleton

        let anonymous = RedisClient(address: try RedisAddress(url: server.url), group: group)
        await #expect(throws: RedisError.self) { try await anonymous.connect() }
        let wrong = RedisClient(address: try RedisAddress(url: "redis://:wrong-pass@127.0.0.1:\(server.port)"), group: group)
        do {
            try await wrong.connect()
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.kind == .server)
            #expect(error.message.contains("AUTH") && !error.message.contains("wrong-pass"), "\(error.message)")
        }

        let db2 = RedisClient(address: try RedisAddress(url: "redis://:s3cret-pass@127.0.0.1:\(server.port)/2"), group: group)
        let db0 = RedisClient(address: try RedisAddress(url: "redis://default:s3cret-pass@127.0.0.1:\(server.port)"), group: group)
        try await db2.connect()
        try await db0.connect()
        _ = try db2.call(RedisCommand("SET", "where", "two"))
        #expect(try db2.call(RedisCommand("GET", "where")).string == "two")
        #expect(try db0.call(RedisCommand("GET", "where")).isNull)
        for client in [anonymous, wrong, db2, db0] { await client.close() }
    }

    @Test("redis-server killed mid-run: calls fail without hanging; restarted, the same client works again")
    func recovery() async throws {
        try await withRedis(timeout: .seconds(1)) { server, client in
            _ = try client.call(RedisCommand("SET", "secret-key", "v"))
            // A stream of calls from a thread while the server dies and comes back.
            let outcomes = OutcomeLog()
            let stop = LockedCounter()
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                while stop.value == 0 {
                    let result = failure { () throws(RedisError) in _ = try client.call(RedisCommand("INCR", "secret-key-counter")) }
                    outcomes.record(result.error, seconds: result.seconds)
                    usleep(2_000)
                }
                finished.signal()
            }
            try await Task.sleep(for: .milliseconds(200))
            server.stop()
            try await Task.sleep(for: .milliseconds(500))
            #expect(!client.isConnected)
            try server.start()
            // Within the back-off after a failed attempt sends fail fast; after it, a send reconnects.
            let deadline = ContinuousClock.now + .seconds(3)
            var recovered = false
            while ContinuousClock.now < deadline, !recovered {
                recovered = (try? client.call(RedisCommand("PING"))) == .simpleString("PONG")
                if !recovered { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(recovered)
            #expect(client.isConnected)
            try await Task.sleep(for: .milliseconds(100))
            stop.add()
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    finished.wait()
                    continuation.resume()
                }
            }

            let log = outcomes.snapshot
            #expect(log.contains { $0.error == nil })
            #expect(log.contains { $0.error != nil })
            for entry in log {
                if let error = entry.error {
                    #expect([.connectionLost, .unreachable].contains(error.kind), "\(error)")
                    #expect(!error.message.contains("secret-key"), "\(error.message)")
                }
            }
            // Redis came back empty: nothing is persisted.
            #expect(try client.call(RedisCommand("GET", "secret-key")).isNull)
        }
    }
}

/// Whatever is at the address, no connection must hang its callers.
@Suite("Redis client against a closed port and servers that are not Redis")
struct RedisClientFailureTests {
    @Test("connect to a closed port throws .unreachable; sends during the back-off fail with it too")
    func unreachable() async throws {
        let port = try freeLoopbackPort()
        let client = RedisClient(
            address: try RedisAddress(url: "redis://127.0.0.1:\(port)"),
            group: MultiThreadedEventLoopGroup.singleton,
            reconnectBackoff: .seconds(5)
        )
        do {
            try await client.connect()
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("127.0.0.1:\(port)"), "\(error.message)")
        }
        let again = failure { () throws(RedisError) in _ = try client.call(RedisCommand("GET", "secret-key")) }
        #expect(again.error?.kind == .unreachable)
        #expect(again.error?.message.contains("secret-key") == false)
        #expect(!client.isConnected)
        await client.close()
    }

    @Test("a server that accepts and never answers: .timeout once the timeout has passed, connection closed")
    func silentServer() async throws {
        let listener = try SilentListener()
        let client = RedisClient(
            address: try RedisAddress(url: "redis://127.0.0.1:\(listener.port)"),
            group: MultiThreadedEventLoopGroup.singleton,
            timeout: .milliseconds(400)
        )
        let viaCall = failure { () throws(RedisError) in _ = try client.call(RedisCommand("GET", "secret-key")) }
        #expect(viaCall.error?.kind == .timeout)
        #expect(viaCall.error?.message.contains("GET") == true)
        #expect(viaCall.error?.message.contains("secret-key") == false)
        // It waited for the timeout (how much longer is the machine's business: no upper bound).
        #expect(viaCall.seconds >= 0.35, "took \(viaCall.seconds) s")

        do {
            _ = try await client.send([RedisCommand("SET", "k", "v")]).get()
            Issue.record("a silent server answered")
        } catch let error as RedisError {
            #expect(error.kind == .timeout, "\(error)")
        }
        await client.close()
    }

    @Test("a server that answers with something that is not RESP: .protocolViolation, connection closed")
    func notRedis() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let fake = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AnswersHTTP()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = RedisClient(address: try RedisAddress(url: "redis://127.0.0.1:\(fake.localAddress!.port!)"), group: group)
        do {
            _ = try await client.send([RedisCommand("GET", "k")]).get()
            Issue.record("an HTTP answer decoded as RESP")
        } catch let error as RedisError {
            #expect(error.kind == .protocolViolation, "\(error)")
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!client.isConnected)
        await client.close()
        try await fake.close()
    }
}

/// Answers anything with an HTTP response, as a web server at the wrong port would.
private final class AnswersHTTP: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n\r\n")), promise: nil)
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

private final class OutcomeLog: @unchecked Sendable {
    struct Entry { var error: RedisError?; var seconds: Double }
    private let lock = NSLock()
    private var entries: [Entry] = []
    var snapshot: [Entry] { lock.withLock { entries } }
    func record(_ error: RedisError?, seconds: Double) { lock.withLock { entries.append(Entry(error: error, seconds: seconds)) } }
}
