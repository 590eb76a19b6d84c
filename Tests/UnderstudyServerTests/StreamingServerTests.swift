import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer

@Suite("SSE streaming over a socket")
struct StreamingServerTests {
    static let request = #"{"model":"gpt-4o","n":2,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Summarise the history of printing"}]}"#

    @Test("frames: role first, content deltas, one finish per choice, usage chunk last, then [DONE]")
    func framing() async throws {
        let (stream, json) = try await withServer { server in
            let stream = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.request)
            // The same conversation without streaming: the same text, whatever the delivery.
            let plain = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","n":2,"messages":[{"role":"user","content":"Summarise the history of printing"}]}"#)
            return (stream, plain)
        }
        #expect(stream.status == 200)
        #expect(stream.headers.first(name: "content-type") == "text/event-stream; charset=utf-8")
        #expect(stream.headers.first(name: "transfer-encoding") == "chunked")
        #expect(stream.text.hasSuffix("data: [DONE]\n\n"))
        var payloads = ssePayloads(stream.text)
        #expect(payloads.removeLast() == "[DONE]")
        let chunks = try payloads.map { try JSONParser.parse($0) }
        let id = chunks[0]["id"]
        var texts = ["", ""]
        var finishes: [Int: String] = [:]
        var sawRole: Set<Int> = []
        for (i, chunk) in chunks.enumerated() {
            #expect(chunk["id"] == id)
            #expect(chunk["object"] == .string("chat.completion.chunk"))
            let choices = try #require(chunk["choices"]?.arrayValue)
            if i == chunks.count - 1 {
                #expect(choices.isEmpty)
                #expect(chunk["usage"]?["total_tokens"]?.integerValue != nil)
                continue
            }
            #expect(chunk["usage"] == .null)
            let choice = try #require(choices.first)
            let index = Int(try #require(choice["index"]?.integerValue))
            if choice["delta"]?["role"] != nil {
                #expect(!sawRole.contains(index))
                sawRole.insert(index)
                continue
            }
            #expect(sawRole.contains(index), "content before the role delta")
            #expect(finishes[index] == nil, "delta after finish_reason")
            if let reason = choice["finish_reason"]?.stringValue { finishes[index] = reason }
            texts[index] += choice["delta"]?["content"]?.stringValue ?? ""
        }
        #expect(finishes == [0: "stop", 1: "stop"])
        let plain = try JSONParser.parse(json.body)
        let plainTexts = plain["choices"]?.arrayValue?.compactMap { $0["message"]?["content"]?.stringValue }
        #expect(plainTexts == texts)
        // One content delta per completion token.
        let deltas = chunks.filter { $0["choices"]?.arrayValue?.first?["delta"]?["content"] != nil
            && $0["choices"]?.arrayValue?.first?["delta"]?["role"] == nil }.count
        #expect(chunks.last?["usage"]?["completion_tokens"]?.integerValue == Int64(deltas))
    }

    @Test("each frame is flushed when written: the first arrives long before [DONE]")
    func flushing() async throws {
        let result = try await withServer(streamIntervalNanoseconds: 50_000_000) { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","stream":true,"max_tokens":8,"messages":[{"role":"user","content":"Tell me about owls"}]}"#)
        }
        // 1 role + 8 content + 1 finish + [DONE], 50 ms apart: they arrive in separate reads
        // (a reader delayed by a busy machine may merge a few, hence the margin).
        #expect(result.parts.count >= 6)
        let first = String(decoding: result.parts[0], as: UTF8.self)
        #expect(first.hasPrefix("data: {"))
        #expect(!first.contains("[DONE]"))
    }

    @Test("without include_usage there is no usage field; include_obfuscation false drops obfuscation")
    func usageAndObfuscationOptions() async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false},"messages":[{"role":"user","content":"Hi there, tell me about bees"}]}"#)
        }
        let chunks = try ssePayloads(result.text).dropLast().map { try JSONParser.parse($0) }
        #expect(chunks.allSatisfy { $0["usage"] == nil && $0["obfuscation"] == nil })
        #expect(chunks.last?["choices"]?.arrayValue?.first?["finish_reason"] == .string("stop"))
    }

    @Test("graceful shutdown finishes the stream in flight")
    func shutdownFinishesStream() async throws {
        let engineSeed: UInt64 = 3
        try await withServer(seed: engineSeed, streamIntervalNanoseconds: 20_000_000) { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                try await connection.write(.POST, "/v1/chat/completions", body: Array(
                    #"{"model":"gpt-4o","stream":true,"max_tokens":10,"messages":[{"role":"user","content":"Tell me about owls"}]}"#.utf8))
                let shutdown = ShutdownTask()
                let result = try await connection.read { shutdown.start(server) }
                await shutdown.wait()
                #expect(result.text.hasSuffix("data: [DONE]\n\n"))
                #expect(result.headers.first(name: "connection") == nil)
                #expect(try await connection.isClosedByServer())
            }
        }
    }
}

@Suite("Determinism")
struct DeterminismTests {
    static let sequence: [(HTTPMethod, String, String?)] = [
        (.POST, "/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"What is a monad?"}]}"#),
        (.POST, "/v1/chat/completions", #"{"messages":[{"content":"What is a monad?","role":"user"}],"model":"gpt-4o"}"#),
        (.POST, "/v1/chat/completions", #"{"model":"gpt-5","n":3,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sort a list"}]}"#),
        (.POST, "/v1/chat/completions", #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Count to five"}]}"#),
        (.POST, "/api/v1/chat/completions", #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":"Name a colour"}]}"#),
        (.POST, "/v1/chat/completions", #"{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}"#),
        (.GET, "/v1/models", nil),
    ]

    static func run(seed: UInt64) async throws -> [String] {
        try await withServer(seed: seed) { server in
            var transcript: [String] = []
            for (method, path, body) in sequence {
                let r = try await TestHTTPClient.send(port: server.port, method, path, json: body)
                let headers = r.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                transcript.append("\(r.status)\n\(headers)\n\n\(r.text)")
            }
            return transcript
        }
    }

    @Test("the same request sequence to two fresh servers gives identical bytes")
    func identicalAcrossServers() async throws {
        let first = try await Self.run(seed: 42)
        let second = try await Self.run(seed: 42)
        #expect(first == second)
        // Key order and number spelling don't matter; repetition does (a new id each time).
        #expect(first[0] != first[1])
        let other = try await Self.run(seed: 43)
        #expect(other[0] != first[0])
    }
}

/// Starts a server's shutdown from inside a read, and waits for it later.
final class ShutdownTask: @unchecked Sendable {
    private var task: Task<Void, Never>?

    func start(_ server: UnderstudyServer) {
        task = Task { await server.shutdown() }
    }

    func wait() async {
        await task?.value
    }
}
