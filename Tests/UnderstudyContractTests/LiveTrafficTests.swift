import Testing
@testable import UnderstudyContract

/// Issue 20: what the live API sends and accepts (recorded by public projects) validates; drift is
/// told apart from breakage; OpenRouter traffic is judged by OpenRouter's contract.
@Suite("validate judges as the live API and the SDK do")
struct LiveTrafficTests {
    static let openRouter: OpenAIContract = { try! OpenAIContract.embedded(flavor: .openrouter) }()

    static func exchange(_ path: String, method: String = "POST", request: String = "", status: Int = 200,
                         headers: [(name: String, value: String)] = [("content-type", "application/json")], response: String) -> Exchange {
        Exchange(source: "inline", method: method, url: "https://api.example.com/v1\(path)",
                 request: .init(headers: [], body: Array(request.utf8)), status: status,
                 response: .init(headers: headers, body: Array(response.utf8)))
    }

    static func result(_ exchange: Exchange, _ validator: ExchangeValidator = TrafficValidationTests.ours) -> ExchangeValidator.Result {
        validator.validate(exchange)
    }

    static let chatAnswer = #"{"id":"chatcmpl-1","object":"chat.completion","created":1760000000,"model":"gpt-5-2025-08-07","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#

    @Test("a chat answer without choices[].logprobs (gpt-5*, o-series) and without message.refusal (2024) passes; a missing index still fails")
    func requiredNullableMayBeAbsent() {
        #expect(Self.result(Self.exchange("/chat/completions", response: Self.chatAnswer)).findings == [])
        let noIndex = Self.chatAnswer.replacingOccurrences(of: #""index":0,"#, with: "")
        #expect(Self.result(Self.exchange("/chat/completions", response: noIndex)).findings == ["response: /choices/0: missing required property 'index'"])
    }

    @Test("chat requests the live API answered 200 pass", arguments: [
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_1","name":"get_weather","content":"sunny"}]}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stop":[]}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":null}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":null}"#,
        #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"hi","prompt_cache_breakpoint":{"mode":"explicit"}}]}]}"#,
    ])
    func chatRequests(request: String) {
        #expect(Self.result(Self.exchange("/chat/completions", request: request, response: Self.chatAnswer)).findings == [])
    }

    @Test("Responses requests the live API answered 200 pass: replayed output_text without annotations, function_call with status null")
    func responsesRequests() {
        let request = #"{"model":"gpt-5.1","input":[{"role":"user","content":"hi"},{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello"}]},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{}","status":null},{"type":"function_call_output","call_id":"call_1","output":"ok"}]}"#
        let findings = TrafficValidationTests.ours.requestFindings(method: "POST", path: "/v1/responses", body: Array(request.utf8))
        #expect(findings == [])
        let broken = request.replacingOccurrences(of: #""status":null"#, with: #""status":"done""#)
        #expect(!TrafficValidationTests.ours.requestFindings(method: "POST", path: "/v1/responses", body: Array(broken.utf8)).isEmpty)
    }

    static func event(_ type: String, _ seq: Int, _ fields: String) -> String {
        ResponsesContractTests.event(type, seq, fields)
    }

    static func stream(_ body: String, date: String? = nil, _ validator: ExchangeValidator = TrafficValidationTests.ours) -> ExchangeValidator.Result {
        var headers: [(name: String, value: String)] = [("content-type", "text/event-stream")]
        if let date { headers.append(("date", date)) }
        return Self.result(Self.exchange("/responses", request: #"{"model":"gpt-4o","input":"Hi","stream":true}"#, headers: headers, response: body), validator)
    }

    @Test("Responses streams as the live API sends them: arguments.done without name, error then response.failed, an unlisted event type (a warning)")
    func responsesStreams() {
        let call = #"{"id":"fc_1","type":"function_call","call_id":"call_1","name":"f","arguments":"{}","status":"completed"}"#
        let usage = ResponsesContractTests.usage
        let created = Self.event("response.created", 0, ResponsesContractTests.response("in_progress", ""))
        let function = created
            + Self.event("response.output_item.added", 1, #","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"f","arguments":"","status":"in_progress"}"#)
            + Self.event("response.function_call_arguments.done", 2, #","item_id":"fc_1","output_index":0,"arguments":"{}""#)
            + Self.event("response.apply_patch_call_operation_diff.delta", 3, #","item_id":"fc_1","output_index":0,"delta":"x""#)
            + Self.event("response.output_item.done", 4, #","output_index":0,"item":\#(call)"#)
            + Self.event("response.completed", 5, ResponsesContractTests.response("completed", call, usage: usage))
        let result = Self.stream(function)
        #expect(result.findings == [])
        #expect(result.warnings == [#"response event 4: event type "response.apply_patch_call_operation_diff.delta" is in no document yet"#])
        let failed = created
            + Self.event("error", 1, #","code":"server_error","message":"boom","param":null"#)
            + Self.event("response.failed", 2, ResponsesContractTests.response("failed", ""))
        #expect(Self.stream(failed).findings == [])
        let errorThenText = created
            + Self.event("error", 1, #","code":"server_error","message":"boom","param":null"#)
            + Self.event("response.in_progress", 2, ResponsesContractTests.response("in_progress", ""))
        #expect(Self.stream(errorThenText).findings == ["stream: event 2 is error but 1 event(s) follow it",
                                                       "stream: the stream ends with response.in_progress, not response.completed, .failed or .incomplete"])
    }

    @Test("a chat moderation chunk after the usage chunk passes; any other chunk there still fails")
    func moderationChunk() {
        func chunk(_ rest: String) -> String {
            #"data: {"id":"c1","object":"chat.completion.chunk","created":1780000000,"model":"gpt-5.1",\#(rest)}"# + "\n\n"
        }
        let head = chunk(#""choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]"#)
            + chunk(#""choices":[{"index":0,"delta":{},"finish_reason":"stop"}]"#)
            + chunk(#""choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}"#)
        let request = #"{"model":"gpt-5.1","messages":[{"role":"user","content":"hi"}],"stream":true}"#
        let headers: [(name: String, value: String)] = [("content-type", "text/event-stream")]
        let moderated = head + chunk(#""choices":[],"moderation":{"flagged":false}"#) + "data: [DONE]\n\n"
        #expect(Self.result(Self.exchange("/chat/completions", request: request, headers: headers, response: moderated)).findings == [])
        let late = head + chunk(#""choices":[]"#) + "data: [DONE]\n\n"
        #expect(Self.result(Self.exchange("/chat/completions", request: request, headers: headers, response: late)).findings
            == ["stream: the usage chunk (event 3) is followed by 1 more chunk(s); it must come last, before [DONE]"])
    }

    static let withoutCacheWrite: String = {
        let usage = ResponsesContractTests.usage.replacingOccurrences(of: #","cache_write_tokens":0"#, with: "")
        return #"{"id":"resp_1","object":"response","created_at":1751328000,"status":"completed","error":null,"incomplete_details":null,"instructions":null,"model":"gpt-4o","output":[],"parallel_tool_calls":true,"metadata":{},"tool_choice":"auto","tools":[],"temperature":1,"top_p":1\#(usage)}"#
    }()

    @Test("a field the recording predates is drift: a warning under --drift warn, a failure under fail; a recent recording lacking it fails")
    func drift() {
        let old = Self.exchange("/responses", request: #"{"model":"gpt-4o","input":"Hi"}"#,
                                headers: [("content-type", "application/json"), ("date", "Tue, 01 Jul 2025 10:00:00 GMT")], response: Self.withoutCacheWrite)
        let text = "drift: response: /usage/input_tokens_details: missing required property 'cache_write_tokens' "
            + "(the contract requires cache_write_tokens since 2026-07-01; this recording predates it: 2025-07-01)"
        let warned = Self.result(old)
        #expect(warned.passed && warned.warnings == [text])
        let failing = Self.result(old, TrafficValidationTests.ours.with(ValidationOptions(drift: .fail)))
        #expect(failing.findings == [text] && failing.warnings.isEmpty)
        var recent = old
        recent.response.headers = [("content-type", "application/json"), ("date", "Mon, 03 Aug 2026 10:00:00 GMT")]
        #expect(Self.result(recent).findings == ["response: /usage/input_tokens_details: missing required property 'cache_write_tokens'"])
        // Without a date header, the body's created_at (2025-07-01) dates it.
        var undated = old
        undated.response.headers = [("content-type", "application/json")]
        #expect(Self.result(undated).warnings == [text])
    }

    @Test("a 4xx answer to a request the contract refuses keeps the contract; a background response streamed again from starting_after starts mid-way")
    func refusedAndResumed() {
        let error = #"{"error":{"message":"bad","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}"#
        let refused = Self.exchange("/responses", request: #"{"model":"gpt-4o","input":"hi","temperature":-1}"#, status: 400, response: error)
        #expect(Self.result(refused).findings == [])
        var accepted = refused
        accepted.status = 200
        accepted.response.body = Array(Self.withoutCacheWrite.utf8)
        #expect(Self.result(accepted).findings == ["request: /temperature: expected a value >= 0, got -1"])
        let queued = ResponsesContractTests.response("queued", "")
        let body = Self.event("response.queued", 1, queued)
            + Self.event("response.output_text.delta", 2, #","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[]"#)
            + Self.event("response.completed", 3, ResponsesContractTests.response("completed", ResponsesContractTests.message, usage: ResponsesContractTests.usage))
        let headers: [(name: String, value: String)] = [("content-type", "text/event-stream")]
        var resumed = Self.exchange("/responses/resp_1", method: "GET", headers: headers, response: body)
        resumed.url += "?stream=true&starting_after=0"
        #expect(Self.result(resumed).findings == [])
        var fromStart = resumed
        fromStart.url = "https://api.example.com/v1/responses/resp_1?stream=true"
        #expect(Self.result(fromStart).findings == ["stream: the first event is response.queued, not response.created",
                                                    "stream: event 2: response.output_text.delta for output_index 0 before its response.output_item.added"])
    }

    @Test("recording dates: the HTTP date header and Unix seconds")
    func dates() {
        #expect(RecordingDate.fromHTTPDate("Wed, 02 Dec 2026 05:42:25 GMT") == "2026-12-02")
        #expect(RecordingDate.fromUnix(0) == "1970-01-01")
        #expect(RecordingDate.fromUnix(1751328000) == "2025-07-01")
        #expect(RecordingDate.fromUnix(951_782_400) == "2000-02-29")
    }

    @Test("an unknown operation fails, or with --unknown-operations skip is counted apart")
    func unknownOperations() {
        let audio = Self.exchange("/audio/speech", request: "{}", response: "{}")
        #expect(Self.result(audio).findings == ["no operation in the spec for POST /v1/audio/speech"])
        let skipped = Self.result(audio, TrafficValidationTests.ours.with(ValidationOptions(unknownOperations: .skip)))
        #expect(skipped.skipped && skipped.passed && skipped.findings.isEmpty)
        let counts = ValidationReport.Counts([skipped, Self.result(audio)])
        #expect(ValidationReport.summary(passed: counts.passed, failed: counts.failed, skipped: counts.skipped, warnings: counts.warnings)
            == "0 passed, 1 failed, 1 skipped")
    }

    @Test("OpenRouter traffic by OpenRouter's contract: its request members and tools, numeric error codes, provisioned tier, the usage chunk repeating choice 0")
    func openRouter() {
        let validator = Self.openRouter.exchanges.with(ContractFlavor.openrouter.validationOptions)
        let request = #"{"model":"anthropic/claude-sonnet-4","messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}],"provider":{"order":["anthropic"]},"reasoning":{"effort":"high"},"usage":{"include":true},"transforms":["middle-out"],"models":["openai/gpt-4o"],"preset":"p","tools":[{"type":"openrouter:web_search"}]}"#
        let answer = Self.chatAnswer.replacingOccurrences(of: #""usage""#, with: #""service_tier":"provisioned","provider":"Anthropic","usage""#)
        #expect(Self.result(Self.exchange("/chat/completions", request: request, response: answer), validator).findings == [])
        #expect(!Self.result(Self.exchange("/chat/completions", request: request, response: answer)).findings.isEmpty, "OpenAI's contract refuses them")
        let error = #"{"error":{"code":400,"message":"bad","metadata":{"provider_name":"x"}},"user_id":"u"}"#
        #expect(Self.result(Self.exchange("/chat/completions", request: #"{"model":"m","messages":[{"role":"user","content":"x"}]}"#, status: 400, response: error), validator).findings == [])
        let openAIError = #"{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":"x"}}"#
        #expect(Self.result(Self.exchange("/chat/completions", status: 400, response: openAIError), validator).findings == ["response: /error/code: expected integer, got string"])
        func chunk(_ rest: String) -> String {
            #"data: {"id":"gen-1","object":"chat.completion.chunk","created":1780000000,"model":"openai/gpt-4o","provider":"OpenAI",\#(rest)}"# + "\n\n"
        }
        let stream = chunk(#""choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]"#)
            + chunk(#""choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]"#)
            + chunk(#""choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}"#)
            + "data: [DONE]\n\n"
        let streamed = Self.exchange("/chat/completions", request: #"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"x"}],"stream":true}"#,
                                     headers: [("content-type", "text/event-stream")], response: stream)
        #expect(Self.result(streamed, validator).findings == [])
        #expect(Self.result(streamed).findings == ["stream: event 3: choice 0 continues after its finish_reason"])
        // Stateless Responses: nothing to GET.
        #expect(Self.result(Self.exchange("/responses/resp_1", method: "GET", response: "{}"), validator).findings == ["no operation in the spec for GET /v1/responses/resp_1"])
    }
}
