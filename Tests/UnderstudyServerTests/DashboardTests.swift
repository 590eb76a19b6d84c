#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
@testable import UnderstudyServer

/// The dashboard's server side: the ring's byte bound, the live feed (bounded, and not closed by
/// the idle timeout), the admin API's access rule, and the embedded page being dashboard/'s files.
@Suite("Dashboard")
struct DashboardTests {
    static let chat = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#

    @Test("the embedded page is exactly dashboard/ (run scripts/embed-fixtures after editing)")
    func embeddedMatchesFiles() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let folder = parts.joined(separator: "/") + "/dashboard"
        var names: [String] = []
        let directory = try #require(opendir(folder))
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        closedir(directory)
        #expect(names.sorted() == DashboardAssets.files.keys.sorted())
        for name in names {
            let text = try #require(FileBytes.read(folder + "/" + name)).map { String(decoding: $0, as: UTF8.self) }
            #expect(DashboardAssets.files[name] == text, "\(name) differs from its embedded copy")
        }
    }

    @Test("the ring holds at most its bytes: the oldest go, large bodies are cut with a marker")
    func ringBound() async throws {
        try await withServer(configure: { $0.dashboardBytes = 1 << 20 }) { server in
            let ring = try #require(server.dashboard?.ring)
            let big = String(repeating: "owl ", count: 50_000)
            for _ in 0..<30 {
                let result = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions",
                    json: #"{"model":"gpt-4o","messages":[{"role":"user","content":"\#(big)"}]}"#)
                #expect(result.status == 200)
                #expect(ring.held.bytes <= ring.byteLimit)
            }
            #expect(ring.held.exchanges < 30)
            #expect(ring.exchange(1) == nil, "the oldest went first")
            let newest = try #require(ring.exchange(30))
            #expect(newest.request.body.count < 200_000)
            #expect(String(decoding: newest.request.body.suffix(80), as: UTF8.self).contains("truncated"))
        }
    }

    @Test("streams in flight hold their frames within the ring's bound, all together, and give them back however they end")
    func framesInFlight() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded()))
        let request = MockRequest(method: "POST", path: "/v1/chat/completions", headers: [],
                                  body: Array(#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8))
        let response = engine.respond(to: request)
        let ring = DashboardRing(byteLimit: 256 << 10)
        let frame = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        var captures = (0..<50).map { _ in ExchangeCapture(request, response, arrival: 0, ring: ring) }
        for _ in 0..<20 {
            for i in captures.indices { captures[i].frameWritten(frame, due: 0) }
            #expect(ring.bytesInFlight <= ring.inFlightLimit)
        }
        #expect(ring.bytesInFlight > ring.inFlightLimit * 3 / 4, "the bound is used, not merely avoided")
        let lost = captures.removeLast()
        _ = consume lost  // dropped without ending: its frames are given back too
        for capture in captures { capture.finish(ending: "complete") }
        #expect(ring.bytesInFlight == 0)
        let kept = try #require(ring.exchange(49))
        #expect(kept.framesDropped > 0 && (kept.frames?.count ?? 0) < 20)
    }

    @Test("a stream's frames are kept end to end: each comes back with its bytes and times, and the storage is cut to them at the end")
    func framesKeptEndToEnd() {
        var frames = DashboardExchange.Frames()
        var expected: [([UInt8], Int64)] = []
        for i in 0..<300 {
            let frame = Array("data: {\"n\":\(i)}\n\n".utf8)
            frames.append(frame, due: Int64(i) * 20, sent: Int64(i) * 20 + 3)
            expected.append((frame, Int64(i) * 20))
        }
        frames.trim()
        #expect(frames.count == 300)
        for (index, frame) in frames.enumerated() {
            #expect(Array(frame.bytes) == expected[index].0)
            #expect(frame.dueNanoseconds == expected[index].1 && frame.sentNanoseconds == expected[index].1 + 3)
        }
        #expect(frames.bytes == expected.flatMap(\.0))
        #expect(frames.bytes.capacity <= frames.bytes.count + 256)
    }

    @Test("the ring keeps each exchange as it was given, round and round its arena: the newest whole, the oldest evicted in order")
    func recordsRoundTrip() throws {
        let ring = DashboardRing(byteLimit: 64 << 10)
        var random = SplitMix64(seed: 7)
        var added: [DashboardExchange] = []
        for n in 0..<2_000 {
            let size = Int(random.next() % 3_000)
            var exchange = DashboardExchange(
                startedAt: Int64(n), request: MockRequest(method: "POST", path: "/v1/chat/completions", query: n % 3 == 0 ? nil : "n=\(n)",
                                                          headers: [("x-n", String(n)), ("content-type", "application/json")],
                                                          body: Array(repeating: UInt8(truncatingIfNeeded: n), count: size)),
                status: 200 + n % 300, responseHeaders: [("x-request-id", "req_\(n)")], responseBody: Array("é\(n)".utf8),
                findings: n % 5 == 0 ? ["request: /messages: finding \(n)"] : [])
            exchange.durationNanoseconds = Int64(n) * 1_000
            exchange.model = n % 2 == 0 ? "gpt-4o" : nil
            exchange.flavor = Flavor.allCases[n % 3]
            exchange.usage = n % 4 == 0 ? nil : Usage(promptTokens: n, completionTokens: 2 * n, reasoningTokens: 3)
            exchange.dollars = n % 4 == 0 ? nil : Double(n) / 7
            exchange.scenario = n % 7 == 0 ? "outage" : nil
            if n % 10 == 0 {
                var frames = DashboardExchange.Frames()
                for i in 0..<5 { frames.append(Array("data: \(i)\n\n".utf8), due: Int64(i), sent: Int64(i + n)) }
                exchange.frames = frames
                exchange.framesDropped = n
                exchange.ending = "complete"
            }
            ring.add(exchange)
            added.append(exchange)
            #expect(ring.held.bytes <= ring.byteLimit)
        }
        let held = ring.held.exchanges
        #expect(held > 20 && held < 2_000, "the arena wrapped and evicted")
        #expect(ring.exchange(2_000 - held) == nil && ring.exchange(2_001) == nil)
        for id in (2_001 - held)...2_000 {
            let kept = try #require(ring.exchange(id)), given = added[id - 1]
            #expect(kept.id == id && kept.startedAt == given.startedAt && kept.status == given.status)
            #expect(kept.request.method == given.request.method && kept.request.path == given.request.path)
            #expect(kept.request.query == given.request.query && kept.request.body == given.request.body)
            #expect(kept.request.headers.map { [$0.name, $0.value] } == given.request.headers.map { [$0.name, $0.value] })
            #expect(kept.responseHeaders.map { [$0.name, $0.value] } == given.responseHeaders.map { [$0.name, $0.value] })
            #expect(kept.responseBody == given.responseBody && kept.findings == given.findings)
            #expect(kept.durationNanoseconds == given.durationNanoseconds && kept.model == given.model && kept.flavor == given.flavor)
            #expect(kept.usage == given.usage && kept.dollars == given.dollars && kept.scenario == given.scenario)
            #expect(kept.ending == given.ending && kept.framesDropped == given.framesDropped)
            #expect(kept.frames?.bytes == given.frames?.bytes)
            #expect(kept.frames?.map(\.sentNanoseconds) == given.frames?.map(\.sentNanoseconds))
            #expect(kept.frames?.map(\.dueNanoseconds) == given.frames?.map(\.dueNanoseconds))
        }
        let listing = try JSONParser.parse(ring.listing(limit: 10))
        #expect(listing["data"]?.arrayValue?.count == 10 && listing["exchanges"] == .int(Int64(held)))
        #expect(listing["data"]?[9]?["id"] == .int(2_000) && listing["evicted"] == .int(Int64(2_000 - held)))
        let stream = try #require(listing["data"]?[0])  // exchange 1,991: the 1,990th, streamed
        #expect(stream["id"] == .int(1_991) && stream["stream"] == .bool(true) && stream["ttft_ms"] == .double(0.002))
        #expect(stream["tokens_in"] == .int(1_990) && stream["verdict"] == .string("request") && stream["findings"] == .int(1))
        #expect(stream["method"] == .string("POST") && stream["model"] == .string("gpt-4o") && stream["status"] == .int(200 + 1_990 % 300))
    }

    @Test("a long listing is read a batch at a time: its rows stay in order and whole while other loops keep adding")
    func listingInBatches() async throws {
        let ring = DashboardRing(byteLimit: 1 << 20)
        func exchange(_ n: Int) -> DashboardExchange {
            DashboardExchange(startedAt: Int64(n), request: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(repeating: 1, count: 200)),
                              status: 200, responseHeaders: [], responseBody: Array(repeating: 2, count: 200), findings: [])
        }
        for n in 0..<1_000 { ring.add(exchange(n)) }
        let quiet = try JSONParser.parse(ring.listing(limit: 3 * DashboardRing.listingBatch - 10))
        let ids = quiet["data"]?.arrayValue?.compactMap { $0["id"]?.integerValue.map(Int.init) } ?? []
        #expect(ids == Array((1_000 - 3 * DashboardRing.listingBatch + 11)...1_000), "three batches, nothing left out or repeated")
        // Meanwhile another thread adds (and the arena evicts): each listing is still ids in order.
        let adder = Task.detached { for n in 1_000..<20_000 { ring.add(exchange(n)) } }
        for _ in 0..<50 {
            let rows = try JSONParser.parse(ring.listing(limit: 10_000))["data"]?.arrayValue ?? []
            let listed = rows.compactMap { $0["id"]?.integerValue.map(Int.init) }
            #expect(!listed.isEmpty && listed.count == rows.count)
            #expect(zip(listed, listed.dropFirst()).allSatisfy { $0 < $1 })
        }
        await adder.value
        #expect(ring.held.bytes <= ring.byteLimit)
    }

    @Test("any exchange id in the URL is a 404 when the ring does not hold it, the extremes of Int too (Int.min crashed the server)")
    func exchangeIDsAtTheEdges() async throws {
        try await withServer { server in
            let chat = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.chat)
            #expect(chat.status == 200)
            for id in [Int.min, -1, 0, 2, Int.max] {
                #expect(try await Self.status(server, "/__understudy/exchanges/\(id)") == 404)
                #expect(try await Self.status(server, "/__understudy/exchanges/\(id).jsonl") == 404)
            }
            #expect(try await Self.status(server, "/__understudy/exchanges/1") == 200)
        }
    }

    @Test("a row's cost is its tokens at the catalog's prices for the model that served it")
    func cost() async throws {
        try await withServer { server in
            let ring = try #require(server.dashboard?.ring)
            let result = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions",
                json: #"{"model":"gpt-4o","messages":[{"role":"user","content":"What does a bee do all day?"}]}"#)
            let usage = try JSONParser.parse(result.body)["usage"]
            let prompt = try #require(usage?["prompt_tokens"]?.doubleValue), completion = try #require(usage?["completion_tokens"]?.doubleValue)
            let row = try JSONParser.parse(ring.listing(limit: 1))["data"]?[0]
            // gpt-4o in fixtures/models.yaml: $2.50 in, $10 out per million tokens.
            #expect(row?["cost"]?.doubleValue == (prompt * 2.5 + completion * 10) / 1_000_000)
            _ = try await TestHTTPClient.send(port: server.port, .GET, "/v1/models")
            #expect(try JSONParser.parse(ring.listing(limit: 1))["data"]?[0]?["cost"] == .null, "no usage, no cost")
        }
    }

    @Test("a page's feed outlives the idle timeout and gets each exchange's row")
    func feedOutlivesIdleTimeout() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(300) }) { server in
            // A plain socket, connected and sent to in one go: an async client could be held back
            // past the idle timeout on a busy machine before its request left, and be closed for it.
            let fd = blockingSocket(port: server.port, receiveTimeout: 20)
            #expect(fd >= 0)
            defer { close(fd) }
            let request = Array("GET /__understudy/feed HTTP/1.1\r\nhost: x\r\n\r\n".utf8)
            #expect(send(fd, request, request.count, 0) == request.count)
            try await Task.sleep(for: .milliseconds(1500))  // several idle periods
            // The call on a plain socket too, sent as it connects (its own idle period starts then).
            let answer = blockingExchange(port: server.port, "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: \(Self.chat.utf8.count)\r\n\r\n\(Self.chat)")
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer.prefix(200))")
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: received, as: UTF8.self).contains("event: exchange") {
                let n = recv(fd, &chunk, chunk.count, 0)
                guard n > 0 else { break }  // closed (the bug) or the receive timeout
                received += chunk[..<n]
            }
            let text = String(decoding: received, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("content-type: text/event-stream"))
            #expect(text.contains(#""path":"/v1/chat/completions","status":200"#))
        }
    }

    @Test("a page that stops reading holds a bounded queue: the rest are counted dropped")
    func slowPageDropsRows() throws {
        let channel = EmbeddedChannel()
        let feed = DashboardFeed(channel: channel)
        channel.isWritable = false
        for i in 0..<(DashboardFeed.queueLimit + 100) { feed.offer(Array("event: exchange\ndata: \(i)\n\n".utf8)) }
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing written while the page does not read")
        channel.isWritable = true
        feed.flush()
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let text = String(buffer: written)
        #expect(text.contains("event: dropped\ndata: 100\n\n"))
        #expect(text.split(separator: "event: exchange", omittingEmptySubsequences: false).count - 1 == DashboardFeed.queueLimit)
    }

    @Test("the admin API's rule: a token beyond loopback (or ?token= for the page), nothing when the admin API is off")
    func accessRule() async throws {
        try await withAdmin(.token("letmein")) { server in
            for path in ["/__understudy/", "/__understudy/feed", "/__understudy/exchanges"] {
                let refused = try await Self.status(server, path)
                #expect(refused == 401, "\(path)")
            }
            let withQuery = try await Self.status(server, "/__understudy/?token=letmein")
            let withHeader = try await Self.status(server, "/__understudy/exchanges", headers: [("authorization", "Bearer letmein")])
            // The page's script and style hold no data.
            let script = try await Self.status(server, "/__understudy/ui/app.js")
            #expect(withQuery == 200 && withHeader == 200 && script == 200)
        }
        try await withAdmin(.off) { server in
            #expect(server.dashboard == nil)
            let page = try await Self.status(server, "/__understudy/")
            let script = try await Self.status(server, "/__understudy/ui/app.js")
            #expect(page == 404 && script == 404)
        }
    }

    private static func status(_ server: UnderstudyServer, _ path: String, headers: [(String, String)] = []) async throws -> Int {
        try await TestHTTPClient.send(port: server.port, .GET, path, headers: headers).status
    }

    @Test("an exchange is shown redacted as recordings are, an answer that echoes the key included")
    func redacted() async throws {
        let key = "sk-test-0123456789abcdefghij"
        let scenarios = "scenarios:\n  - name: echo\n    match: {header: {x-test: echo}}\n    reply: \"your key is \(key)\"\n"
        try await withServer(scenarios: scenarios) { server in
            let answer = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions",
                json: #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#,
                headers: [("content-type", "application/json"), ("authorization", "Bearer \(key)"), ("x-test", "echo")])
            #expect(answer.text.contains(key))
            let ring = try #require(server.dashboard?.ring)
            let exchange = try #require(ring.exchange(1))
            let detail = String(decoding: exchange.detail(), as: UTF8.self)
            let line = String(decoding: exchange.jsonl(), as: UTF8.self)
            #expect(!detail.contains(key) && !line.contains(key))
            #expect(detail.contains("[redacted]") && line.contains("[redacted]"))
        }
    }

    @Test("findings are read into where, pointer and message")
    func findingWording() {
        let event = DashboardFinding("self-check: stream event 3: /choices/0: missing required property 'index' [required at x]")
        #expect(event.place == "event 3")
        #expect(event.pointer == "/choices/0")
        #expect(event.message == "missing required property 'index' [required at x]")
        let root = DashboardFinding("request: (root): expected object [type at y]")
        #expect(root.place == "request" && root.pointer == "")
        let sentence = DashboardFinding("self-check: the stream does not end with [DONE]")
        #expect(sentence.place == "response" && sentence.pointer == nil)
    }

    private func withAdmin(_ admin: AdminAccess, _ body: (UnderstudyServer) async throws -> Void) async throws {
        var mock = MockConfiguration(fixtures: try Fixtures.embedded(), contract: testContract)
        mock.admin = admin
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.threads = 1
        let server = try await UnderstudyServer.start(engine: MockEngine(configuration: mock), configuration: configuration)
        do {
            try await body(server)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }
}
