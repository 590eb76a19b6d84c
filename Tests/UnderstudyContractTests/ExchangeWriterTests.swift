// Recording: what the proxy writes reads back the same, and never holds a secret.
import Foundation
import Testing
import UnderstudyContract

@Suite struct ExchangeWriterTests {
    static let key = "sk-live-0123456789abcdef"

    static func exchange(responseBody: String, contentType: String = "application/json") -> Exchange {
        Exchange(
            source: "test", method: "POST", url: "/v1/chat/completions?api_key=\(key)&stream=1",
            request: .init(headers: [("Authorization", "Bearer \(key)"), ("x-api-key", "another-secret-value"),
                                     ("content-type", "application/json")],
                           body: Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#.utf8)),
            status: 401,
            response: .init(headers: [("content-type", contentType), ("set-cookie", "session=abcdefgh12345")],
                            body: Array(responseBody.utf8)),
            frameDelaysMilliseconds: contentType == "text/event-stream" ? [5, 0, 12] : nil)
    }

    @Test func secretsAreRedactedEverywhere() {
        // The upstream echoes the key in its error message: that copy goes too.
        let line = String(decoding: ExchangeWriter.jsonl(Self.exchange(
            responseBody: #"{"error":{"message":"Incorrect API key provided: \#(Self.key).","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)),
            as: UTF8.self)
        #expect(!line.contains(Self.key))
        #expect(!line.contains("another-secret-value"))
        #expect(!line.contains("session=abcdefgh12345"))
        #expect(line.contains(#""url":"/v1/chat/completions?api_key=[redacted]&stream=1""#))
        #expect(line.contains("Incorrect API key provided: [redacted]."))
        #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" })
    }

    @Test func aRecordingReadsBackAsTheSameExchange() throws {
        let stream = "data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n"
        let original = Self.exchange(responseBody: stream, contentType: "text/event-stream")
        let line = ExchangeWriter.jsonl(original)
        var read: [Exchange] = []
        let path = "/tmp/understudy-writer-\(StableHash.hash(line)).jsonl"
        try Data(line).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ExchangeReader.read(path: path) { if case .success(let e) = $0 { read.append(e) } }
        let back = try #require(read.first)
        #expect(back.method == "POST" && back.path == "/v1/chat/completions" && back.status == 401)
        #expect(back.response.body == Array(stream.utf8), "a stream is kept byte for byte")
        #expect(back.frameDelaysMilliseconds == [5, 0, 12])
        #expect(try JSONParser.parse(back.request.body) == JSONParser.parse(original.request.body))
        #expect(back.request.header("authorization") == "[redacted]")
        #expect(back.request.header("content-type") == "application/json")
    }

    @Test func incrementalSSEParsingMatchesWholeBodies() {
        let body = Array("event: response.created\ndata: {\"x\":1}\r\n\r\n: comment\ndata: a\ndata: b\n\ndata: [DONE]\n\ndata: tail".utf8)
        let whole = SSEParser.events(body)
        #expect(whole.count == 4)
        #expect(whole[0].type == "response.created" && whole[0].data == "{\"x\":1}")
        #expect(whole[1].data == "a\nb" && whole[3].data == "tail")
        // Byte by byte, as a proxy sees a stream: the same events, each as soon as it is complete.
        var parser = SSEParser.Incremental()
        var seen: [SSEParser.Event] = []
        for byte in body { seen += parser.feed([byte]) }
        #expect(seen.count == 3, "the last event has no blank line yet")
        seen += parser.finish()
        #expect(seen == whole)
    }

    @Test("every credential the client sent is redacted wherever it reappears, percent-encoded forms included")
    func redactionByValue() {
        let query = "Qz7kP2mX9vL4nR8tW1yB"      // sent as ?%6Bey= (percent-encoded name)
        let token = "tok_5f3a9c1e7b2d4f6a8c0e"  // sent as ?auth_token=
        let apim = "apim0123456789abcdefsecret"
        let portkey = "pk-9f8e7d6c5b4a39281706"
        let organization = "org-AbCdEfGh12345678"
        let exchange = Exchange(
            source: "test", method: "POST", url: "/v1/chat/completions?%6Bey=\(query)&auth_token=\(token)&stream=true",
            request: .init(headers: [("Ocp-Apim-Subscription-Key", apim), ("x-portkey-api-key", portkey),
                                     ("OpenAI-Organization", organization), ("content-type", "application/json")],
                           body: Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#.utf8)),
            status: 200,
            response: .init(headers: [("content-type", "text/event-stream"), ("x-echo", "key=\(query)"),
                                      ("x-echo-encoded", "auth%5Ftoken=" + token.replacingOccurrences(of: "_", with: "%5F"))],
                            body: Array("data: {\"seen\":\"\(apim) \(portkey) \(organization) \(token)\"}\n\ndata: [DONE]\n\n".utf8)))
        let line = String(decoding: ExchangeWriter.jsonl(exchange), as: UTF8.self)
        for secret in [query, token, apim, portkey, organization, token.replacingOccurrences(of: "_", with: "%5F")] {
            #expect(!line.contains(secret), "\(secret) is in \(line)")
        }
        #expect(line.contains("stream=true"))
        #expect(line.contains(#"{"name":"content-type","value":"application/json"}"#))
    }
}
