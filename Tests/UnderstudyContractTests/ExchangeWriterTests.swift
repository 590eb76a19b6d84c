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

    /// Issue 21, item 12: credentials hidden by JSON escapes, short ones, a cookie's session and a
    /// SigV4 signature are redacted too.
    @Test("redaction after decoding: escaped keys in SSE frames, short credentials, cookie sessions, SigV4 signatures")
    func redactionAfterDecoding() {
        let key = "sk-live-0123456789abcdef"
        let aws = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        let sigV4 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        let escapedKey = key.unicodeScalars.prefix(2).map { String(format: "\\u%04x", $0.value) }.joined() + key.dropFirst(2)
        let escapedAWS = aws.replacingOccurrences(of: "/", with: "\\/")
        let stream = "data: {\"echo\":\"\(escapedKey)\"}\n\ndata: {\"echo\":\"\(escapedAWS)\"}\n\n"
            + "data: {\"seen\":\"abc123\",\"cookie\":\"ab12cd\",\"theme\":\"dark\"}\n\ndata: {\"sig\":\"\(signature)\",\"id\":\"AKIDEXAMPLE\"}\n\n"
            + "data: {\"plain\":\"caf\\u00e9\"}\n\ndata: [DONE]\n\n"
        let exchange = Exchange(
            source: "test", method: "POST", url: "/v1/chat/completions?X-Amz-Signature=abc123ff&X-Amz-Credential=AKID2%2F2025&n=1",
            request: .init(headers: [("Authorization", "Bearer \(key)"), ("x-api-key", "abc123"), ("x-amz-secret", aws),
                                     ("Cookie", "PHPSESSID=ab12cd; theme=dark"), ("x-amz-authorization", sigV4), ("content-type", "application/json")],
                           body: Array(#"{"model":"gpt-4o","password":"hunter","max_tokens":5,"prompt_cache_key":"pck","messages":[{"role":"user","content":"abc123"}]}"#.utf8)),
            status: 200,
            response: .init(headers: [("content-type", "text/event-stream")], body: Array(stream.utf8)))
        let line = String(decoding: ExchangeWriter.jsonl(exchange), as: UTF8.self)
        for secret in ["0123456789abcdef", "K7MDENG", "hunter", "abc123", "ab12cd", signature, "AKIDEXAMPLE", "AKID2"] {
            #expect(!line.contains(secret), "\(secret) is in \(line)")
        }
        // What is not a credential stays: a body's max_tokens and prompt_cache_key, a theme
        // cookie's value, a frame with an escape but no secret (byte for byte).
        #expect(line.contains(#""max_tokens":5"#) && line.contains(#""prompt_cache_key":"pck""#))
        #expect(line.contains(#"\"theme\":\"dark\""#))
        #expect(line.contains(#"data: {\"plain\":\"caf\\u00e9\"}"#))
        #expect(line.contains("&n=1"))
    }
}
