import Testing
@testable import UnderstudyContract

@Suite("understudy validate: recorded traffic")
struct TrafficValidationTests {
    static let traffic = SpecLoadingTests.root + "/fixtures/traffic"

    static let ours: ExchangeValidator = {
        try! ExchangeValidator(document: SpecDocument.load(path: SpecLoadingTests.root + "/specs/openai.yaml"))
    }()

    static func results(_ files: [String], _ validator: ExchangeValidator = ours) throws -> [ExchangeValidator.Result] {
        var results: [ExchangeValidator.Result] = []
        try validator.validate(files: files.map { traffic + "/" + $0 }) { results.append($0) }
        return results
    }

    @Test("recordings of our own server pass, from JSONL and from HAR")
    func valid() throws {
        let results = try Self.results(["valid/understudy.jsonl", "valid/understudy.har"])
        #expect(results.count == 7)
        #expect(results.allSatisfy { $0.passed }, "\(results.filter { !$0.passed }.map(\.findings))")
        #expect(results.map { $0.operation ?? "-" } == ["createChatCompletion", "createChatCompletion", "listModels", "retrieveModel",
                                                        "createChatCompletion", "createChatCompletion", "createChatCompletion"])
    }

    @Test("each planted violation is found, exactly", arguments: [
        ("bad-finish-reason", [#"response: /choices/1/finish_reason: "done" is not one of "stop", "length", "tool_calls", "content_filter", "function_call""#]),
        ("invalid-request", ["request: /n: expected a value >= 1, got 0"]),
        ("missing-choice-index", ["response: /choices/0: missing required property 'index'"]),
        ("stream-content-before-role", ["stream: event 1: choice 0 starts without a role delta"]),
        ("stream-data-not-json", ["response event 3: data is not JSON (Unexpected character 'n', expected a string key); the SDKs' json.loads would raise"]),
        ("stream-usage-not-last", ["stream: the usage chunk (event 2) is followed by 7 more chunk(s); it must come last, before [DONE]"]),
        ("stream-without-done", ["stream: the stream does not end with data: [DONE]"]),
    ])
    func broken(name: String, findings: [String]) throws {
        let results = try Self.results(["broken/\(name).jsonl"])
        #expect(results.count == 1)
        #expect(results.first?.findings == findings)
    }

    @Test("Responses streams: sequence, first and last events, deltas after their item (against the official document)",
          .enabled(if: SpecLoadingTests.officialPath != nil, SpecLoadingTests.withoutOfficialDocument))
    func responsesOrdering() throws {
        let official = try ExchangeValidator(document: SpecDocument.load(path: try #require(SpecLoadingTests.officialPath)))
        func event(_ type: String, _ seq: Int, _ extra: String = "") -> String {
            "event: \(type)\ndata: {\"type\":\"\(type)\",\"sequence_number\":\(seq)\(extra)}\n\n"
        }
        let response = #","response":{"id":"resp_1","object":"response","created_at":1,"status":"in_progress","error":null,"incomplete_details":null,"instructions":null,"model":"gpt-4o","output":[],"parallel_tool_calls":true,"metadata":{},"tool_choice":"auto","tools":[],"temperature":1,"top_p":1}"#
        let body = event("response.created", 0, response)
            + event("response.output_text.delta", 2, #","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[]"#)
            + event("response.in_progress", 1, response)
        let exchange = Exchange(source: "inline", method: "POST", url: "https://api.openai.com/v1/responses",
                                request: .init(headers: [], body: []), status: 200,
                                response: .init(headers: [("content-type", "text/event-stream")], body: Array(body.utf8)))
        let findings = official.validate(exchange).findings
        #expect(findings.contains("stream: event 2: response.output_text.delta for output_index 0 before its response.output_item.added"))
        #expect(findings.contains("stream: event 3: sequence_number 1 does not increase (previous 2)"))
        #expect(findings.contains("stream: the stream ends with response.in_progress, not response.completed, .failed or .incomplete"))
    }

    @Test("reports: JSON and JUnit carry every exchange; text ends with the count")
    func reports() throws {
        let results = try Self.results(["valid/understudy.jsonl", "broken/invalid-request.jsonl"])
        let json = try JSONParser.parse(ValidationReport.json(results))
        #expect(json["summary"] == .object(["passed": .int(5), "failed": .int(1), "skipped": .int(0), "warnings": .int(0)]))
        #expect(json["exchanges"]?.arrayValue?.count == 6)
        let junit = ValidationReport.junit(results)
        #expect(junit.contains(#"<testsuite name="understudy validate" tests="6" failures="1" skipped="0">"#))
        #expect(junit.contains(#"<failure message="request: /n: expected a value &gt;= 1, got 0">"#))
        #expect(ValidationReport.summary(passed: 5, failed: 1) == "5 passed, 1 failed")
    }
}

@Suite("specs/openai.yaml: the Responses API")
struct ResponsesContractTests {
    static func event(_ type: String, _ seq: Int, _ fields: String) -> String {
        "event: \(type)\ndata: {\"type\":\"\(type)\",\"sequence_number\":\(seq)\(fields)}\n\n"
    }

    static func response(_ status: String, _ output: String, usage: String = "") -> String {
        #","response":{"id":"resp_1","object":"response","created_at":1751328000,"status":"\#(status)","error":null,"incomplete_details":null,"instructions":null,"model":"gpt-4o-2024-08-06","output":[\#(output)],"parallel_tool_calls":true,"metadata":{},"tool_choice":"auto","tools":[],"temperature":1,"top_p":1\#(usage)}"#
    }

    static func findings(_ body: String) -> [String] {
        let exchange = Exchange(source: "inline", method: "POST", url: "http://127.0.0.1:8080/v1/responses",
                                request: .init(headers: [], body: Array(#"{"model":"gpt-4o","input":"Hi","stream":true}"#.utf8)), status: 200,
                                response: .init(headers: [("content-type", "text/event-stream")], body: Array(body.utf8)))
        return TrafficValidationTests.ours.validate(exchange).findings
    }

    static let usage = #","usage":{"input_tokens":8,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":10}"#
    static let message = #"{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hi!","annotations":[],"logprobs":[]}]}"#

    @Test("a text stream in the documented order passes; so does a function call and an error in both forms")
    func wellFormed() {
        let text = Self.event("response.created", 0, Self.response("in_progress", ""))
            + Self.event("response.in_progress", 1, Self.response("in_progress", ""))
            + Self.event("response.output_item.added", 2, #","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]}"#)
            + Self.event("response.content_part.added", 3, #","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}"#)
            + Self.event("response.output_text.delta", 4, #","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi!","logprobs":[]"#)
            + Self.event("response.output_text.done", 5, #","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hi!","logprobs":[]"#)
            + Self.event("response.content_part.done", 6, #","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hi!","annotations":[]}"#)
            + Self.event("response.output_item.done", 7, #","output_index":0,"item":\#(Self.message)"#)
            + Self.event("response.completed", 8, Self.response("completed", Self.message, usage: Self.usage))
        #expect(Self.findings(text) == [])
        let call = #"{"id":"fc_1","type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}"#
        let function = Self.event("response.created", 0, Self.response("in_progress", ""))
            + Self.event("response.output_item.added", 1, #","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"get_weather","arguments":"","status":"in_progress"}"#)
            + Self.event("response.function_call_arguments.delta", 2, #","item_id":"fc_1","output_index":0,"delta":"{\"city\":\"Paris\"}""#)
            + Self.event("response.function_call_arguments.done", 3, #","item_id":"fc_1","output_index":0,"name":"get_weather","arguments":"{\"city\":\"Paris\"}""#)
            + Self.event("response.output_item.done", 4, #","output_index":0,"item":\#(call)"#)
            + Self.event("response.completed", 5, Self.response("completed", call, usage: Self.usage))
        #expect(Self.findings(function) == [])
        let failed = Self.event("response.created", 0, Self.response("in_progress", ""))
            + Self.event("error", 1, #","code":"server_error","message":"boom","param":null,"error":{"type":"server_error","code":"server_error","message":"boom","param":null}"#)
        #expect(Self.findings(failed) == [])
    }

    @Test("what the SDK's strict parsing rejects is caught: a delta without logprobs; usage without cache_write_tokens, drift in a 2025 recording")
    func strictness() {
        let noCacheWrite = Self.usage.replacingOccurrences(of: #","cache_write_tokens":0"#, with: "")
        let body = Self.event("response.created", 0, Self.response("in_progress", ""))
            + Self.event("response.output_item.added", 1, #","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]}"#)
            + Self.event("response.output_text.delta", 2, #","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi!""#)
            + Self.event("response.completed", 3, Self.response("completed", Self.message, usage: noCacheWrite))
        #expect(Self.findings(body) == ["response event 3: missing required property 'logprobs'"])
        let exchange = Exchange(source: "inline", method: "POST", url: "http://127.0.0.1:8080/v1/responses",
                                request: .init(headers: [], body: []), status: 200,
                                response: .init(headers: [("content-type", "text/event-stream")], body: Array(body.utf8)))
        #expect(TrafficValidationTests.ours.validate(exchange).warnings == [
            "drift: response event 4: /response/usage/input_tokens_details: missing required property 'cache_write_tokens' "
                + "(the contract requires cache_write_tokens since 2026-07-01; this recording predates it: 2025-07-01)",
        ])
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}

@Suite("HAR entries, streamed")
struct HAREntryScannerTests {
    @Test("entries are found whatever their bodies contain, across any chunk boundary")
    func hostileBodies() throws {
        let tricky = #"{\"log\":{\"entries\":[{\"x\":\"]}\\\"\"}]}} ] } \" {"#
        let har = #"{"log":{"version":"1.2","creator":{"name":"t","entries":[]},"entries":[{"n":1,"text":"\#(tricky)"},{"n":2,"nested":{"a":[{"b":"}"}]}}]},"tail":{"entries":[{"n":99}]}}"#
        let bytes = Array(har.utf8)
        for chunkSize in [1, 2, 7, 64, bytes.count] {
            var scanner = HAREntryScanner()
            var found: [JSONValue] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunkSize)
                bytes[offset..<end].withUnsafeBufferPointer { chunk in
                    scanner.feed(chunk) { found.append(try! JSONParser.parse($0)) }
                }
                offset = end
            }
            #expect(found.map { $0["n"] } == [.int(1), .int(2)], "chunk size \(chunkSize)")
            #expect(found.first?["text"]?.stringValue == #"{"log":{"entries":[{"x":"]}\""}]}} ] } " {"#)
            #expect(scanner.sawEntries)
        }
    }
}
