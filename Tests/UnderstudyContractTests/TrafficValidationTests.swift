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

    @Test("Responses streams: sequence, first and last events, deltas after their item (against the official document)")
    func responsesOrdering() throws {
        let official = try ExchangeValidator(document: SpecDocument.load(path: SpecLoadingTests.officialPath))
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
        #expect(json["summary"] == .object(["passed": .int(5), "failed": .int(1)]))
        #expect(json["exchanges"]?.arrayValue?.count == 6)
        let junit = ValidationReport.junit(results)
        #expect(junit.contains(#"<testsuite name="understudy validate" tests="6" failures="1">"#))
        #expect(junit.contains(#"<failure message="request: /n: expected a value &gt;= 1, got 0">"#))
        #expect(ValidationReport.summary(passed: 5, failed: 1) == "5 passed, 1 failed")
    }
}
