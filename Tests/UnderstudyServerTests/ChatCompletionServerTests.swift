#if canImport(Glibc)
import Glibc
#endif
import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer

@Suite("Chat Completions over a socket")
struct ChatCompletionServerTests {
    static let hello = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Explain how tides work"}]}"#

    @Test("a JSON completion has the real API's shape, headers and usage")
    func jsonCompletion() async throws {
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: Self.hello)
        }
        #expect(result.status == 200)
        #expect(result.headers.first(name: "content-type") == "application/json")
        #expect(result.headers.first(name: "x-request-id")?.hasPrefix("req_") == true)
        #expect(result.headers.first(name: "openai-version") == "2020-10-01")
        #expect(Int(result.headers.first(name: "openai-processing-ms") ?? "") != nil)
        let body = try JSONParser.parse(result.body)
        let keys = body.objectValue?.keys ?? []
        #expect(keys == ["id", "object", "created", "model", "choices", "usage", "service_tier", "system_fingerprint"])
        #expect(body["id"]?.stringValue?.hasPrefix("chatcmpl-") == true)
        #expect(body["id"]?.stringValue?.count == 38)
        #expect(body["object"] == .string("chat.completion"))
        #expect(body["created"] == .int(1_751_328_000))
        #expect(body["model"] == .string("gpt-4o-2024-08-06"))
        let choice = try #require(body["choices"]?.arrayValue?.first)
        #expect(choice["finish_reason"] == .string("stop"))
        #expect(choice["message"]?["role"] == .string("assistant"))
        let content = try #require(choice["message"]?["content"]?.stringValue)
        #expect(content.contains("tides"))
        let usage = try #require(body["usage"])
        let prompt = try #require(usage["prompt_tokens"]?.integerValue)
        let completion = try #require(usage["completion_tokens"]?.integerValue)
        #expect(usage["total_tokens"]?.integerValue == prompt + completion)
        // 3 framing + "user" + 4 text pieces + 3 priming
        #expect(prompt == 11)
        #expect(usage["completion_tokens_details"]?["reasoning_tokens"] == .int(0))
    }

    @Test("n, max_completion_tokens and stop shape the choices")
    func choicesAndLimits() async throws {
        try await withServer { server in
            let two = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","n":2,"messages":[{"role":"user","content":"Describe the water cycle"}]}"#)
            let choices = try #require(try JSONParser.parse(two.body)["choices"]?.arrayValue)
            #expect(choices.count == 2)
            #expect(choices[0]["index"] == .int(0) && choices[1]["index"] == .int(1))
            #expect(choices[0]["message"]?["content"] != choices[1]["message"]?["content"])

            let cut = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","max_completion_tokens":5,"messages":[{"role":"user","content":"Describe the water cycle"}]}"#)
            let cutBody = try JSONParser.parse(cut.body)
            #expect(cutBody["choices"]?.arrayValue?.first?["finish_reason"] == .string("length"))
            #expect(cutBody["usage"]?["completion_tokens"] == .int(5))

            let stopped = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4o","stop":[" "],"messages":[{"role":"user","content":"Describe the water cycle"}]}"#)
            let stoppedContent = try JSONParser.parse(stopped.body)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
            #expect(stoppedContent?.isEmpty == false)
            #expect(stoppedContent?.contains(" ") == false)
        }
    }

    @Test("a seed changes the text and makes repeats identical")
    func seedBehaviour() async throws {
        try await withServer { server in
            func content(_ json: String) async throws -> String? {
                let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: json)
                return try JSONParser.parse(r.body)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
            }
            let seeded = #"{"model":"gpt-4o","seed":7,"messages":[{"role":"user","content":"Plan a garden layout"}]}"#
            let otherSeed = #"{"model":"gpt-4o","seed":8,"messages":[{"role":"user","content":"Plan a garden layout"}]}"#
            let unseeded = #"{"model":"gpt-4o","messages":[{"role":"user","content":"Plan a garden layout"}]}"#
            let a = try await content(seeded)
            #expect(try await content(seeded) == a)
            #expect(try await content(otherSeed) != a)
            let first = try await content(unseeded)
            #expect(try await content(unseeded) != first)
        }
    }

    @Test("gpt-5 reports reasoning tokens and enforces reasoning-model parameters")
    func reasoningModel() async throws {
        try await withServer { server in
            let ok = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"openai/gpt-5","reasoning_effort":"high","messages":[{"role":"user","content":"Prove that there are infinitely many primes"}]}"#)
            #expect(ok.status == 200)
            let usage = try #require(try JSONParser.parse(ok.body)["usage"])
            let reasoning = try #require(usage["completion_tokens_details"]?["reasoning_tokens"]?.integerValue)
            #expect(reasoning >= 576)
            #expect(try #require(usage["completion_tokens"]?.integerValue) > reasoning)

            let maxTokens = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-5","max_tokens":100,"messages":[{"role":"user","content":"hi there friend"}]}"#)
            #expect(maxTokens.status == 400)
            #expect(try JSONParser.parse(maxTokens.body)["error"]?["code"] == .string("unsupported_parameter"))
        }
    }

    @Test("over the context window: 400 context_length_exceeded in the real API's words")
    func contextLength() async throws {
        let long = String(repeating: "word ", count: 9000)
        let result = try await withServer { server in
            try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json:
                #"{"model":"gpt-4","messages":[{"role":"user","content":"\#(long)"}]}"#)
        }
        #expect(result.status == 400)
        let error = try #require(try JSONParser.parse(result.body)["error"])
        #expect(error["code"] == .string("context_length_exceeded"))
        #expect(error["param"] == .string("messages"))
        #expect(error["type"] == .string("invalid_request_error"))
        #expect(error["message"]?.stringValue?.hasPrefix("This model's maximum context length is 8191 tokens. However, your messages resulted in 90") == true)
    }

    @Test("models: OpenAI's list under /v1, OpenRouter's under /api/v1, single lookups, 404")
    func models() async throws {
        try await withServer { server in
            let list = try JSONParser.parse(try await TestHTTPClient.send(port: server.port, .GET, "/v1/models").body)
            #expect(list["object"] == .string("list"))
            let ids = list["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            for id in ["gpt-4.5-preview", "gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-5", "gpt-5-mini", "gpt-4.1", "o3", "o4-mini"] {
                #expect(ids.contains(id), "\(id) is not listed")
            }
            #expect(ids.count == Set(ids).count && ids.count >= 50)
            let preview = list["data"]?.arrayValue?.first { $0["id"] == .string("gpt-4.5-preview") }
            #expect(preview?["shutdown_date"] == .string("2025-07-14"))
            #expect(preview?["created"] == .int(1_740_614_400))

            let openRouter = try JSONParser.parse(try await TestHTTPClient.send(port: server.port, .GET, "/api/v1/models").body)
            let gpt4o = try #require(openRouter["data"]?.arrayValue?.first { $0["id"] == .string("openai/gpt-4o") })
            #expect(gpt4o["id"] == .string("openai/gpt-4o"))
            #expect(gpt4o["context_length"] == .int(128_000))
            #expect(gpt4o["pricing"]?["prompt"] == .string("0.0000025"))
            #expect(gpt4o["pricing"]?["completion"] == .string("0.00001"))
            #expect(gpt4o["pricing"]?["image"] == .string("0.003613"))

            let single = try await TestHTTPClient.send(port: server.port, .GET, "/v1/models/openai/gpt-5")
            #expect(try JSONParser.parse(single.body)["id"] == .string("gpt-5"))
            let missing = try await TestHTTPClient.send(port: server.port, .GET, "/v1/models/gpt-9")
            #expect(missing.status == 404)
            #expect(try JSONParser.parse(missing.body)["error"]?["code"] == .string("model_not_found"))
        }
    }

    @Test("OpenRouter's base path answers in its shape: gen- ids, provider, numeric error codes")
    func openRouterBasePath() async throws {
        try await withServer { server in
            let ok = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/chat/completions", json:
                #"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Name three rivers"}]}"#)
            let body = try JSONParser.parse(ok.body)
            #expect(body["id"]?.stringValue?.hasPrefix("gen-") == true)
            #expect(body["provider"] == .string("OpenAI"))
            #expect(body["model"] == .string("openai/gpt-4o"))
            // OpenRouter streams always end with a usage chunk (its include_usage is a no-op).
            let stream = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/chat/completions", json:
                #"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"Name three rivers"}]}"#)
            let chunks = try ssePayloads(stream.text).dropLast().map { try JSONParser.parse($0) }
            #expect(chunks.last?["usage"]?["total_tokens"]?.integerValue != nil)
            #expect(chunks.allSatisfy { $0["provider"] == .string("OpenAI") && $0["obfuscation"] == nil })
            let missing = try await TestHTTPClient.send(port: server.port, .POST, "/api/v1/chat/completions", json:
                #"{"model":"nope/nothing","messages":[{"role":"user","content":"x"}]}"#)
            #expect(missing.status == 404)
            #expect(try JSONParser.parse(missing.body)["error"]?["code"] == .int(404))
        }
    }

    @Test("keep-alive: many requests on one connection, and /health")
    func keepAlive() async throws {
        try await withServer { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                for _ in 0..<5 {
                    let r = try await connection.send(.POST, "/v1/chat/completions", body: Array(Self.hello.utf8))
                    #expect(r.status == 200)
                    #expect(r.headers.first(name: "connection") == nil)
                }
                let health = try await connection.send(.GET, "/health")
                #expect(health.text == #"{"status":"ok"}"#)
            }
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout", .timeLimit(.minutes(1)))
    func idleTimeout() async throws {
        // A plain socket sends as it connects: an async client on a loaded machine (CI runs every
        // suite at once on 2 cores) could be held back past the period before its request left.
        // The answer comes, then the server's close within one to two periods, well before the
        // 10 s receive timeout.
        try await withServer(configure: { $0.idleTimeout = .milliseconds(500) }) { server in
            let fd = blockingSocket(port: server.port, receiveTimeout: 10)
            #expect(fd >= 0)
            defer { close(fd) }
            let request = Array("GET /health HTTP/1.1\r\nhost: x\r\n\r\n".utf8)
            #expect(send(fd, request, request.count, 0) == request.count)
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            var closed = false
            while true {
                let n = recv(fd, &chunk, chunk.count, 0)
                if n > 0 { received += chunk[..<n]; continue }
                closed = n == 0 || errno == ECONNRESET
                break
            }
            #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(closed, "not closed by the server (errno \(errno))")
        }
    }

    @Test("pipelined requests are answered in order")
    func pipelining() async throws {
        try await withServer { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                let stream = #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Write about clouds"}]}"#
                try await connection.write(.POST, "/v1/chat/completions", body: Array(stream.utf8))
                try await connection.write(.GET, "/v1/models/gpt-4")
                try await connection.write(.GET, "/health")
                let first = try await connection.read()
                #expect(first.text.hasSuffix("data: [DONE]\n\n"))
                #expect(try JSONParser.parse(try await connection.read().body)["id"] == .string("gpt-4"))
                #expect(try await connection.read().text == #"{"status":"ok"}"#)
            }
        }
    }
}
