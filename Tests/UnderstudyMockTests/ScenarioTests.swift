import Testing
import UnderstudyContract
@testable import UnderstudyMock

@Suite("Scenario rules")
struct ScenarioTests {
    static func engine(_ yaml: String, seed: UInt64 = 0) throws -> MockEngine {
        var fixtures = try Fixtures.embedded()
        fixtures.scenarios = try ScenarioRule.parseAll(yaml: yaml, file: "s.yaml")
        return MockEngine(configuration: MockConfiguration(fixtures: fixtures, seed: seed, clock: .fixed(0)))
    }

    static func statuses(_ engine: MockEngine, _ count: Int, body: String = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi there"}]}"#,
                         headers: [(name: String, value: String)] = []) -> [Int] {
        (0..<count).map { _ in engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", headers: headers, body: Array(body.utf8))).status }
    }

    @Test("a sequence: 429 twice, then success")
    func sequence() throws {
        let engine = try Self.engine("""
        scenarios:
          - name: flaky
            match: {model: openai/gpt-4o}
            sequence:
              - error: {status: 429}
                times: 2
              - pass
        """)
        #expect(Self.statuses(engine, 4) == [429, 429, 200, 200])
        #expect(Self.statuses(engine, 1, body: #"{"model":"gpt-4","messages":[{"role":"user","content":"hi"}]}"#) == [200])
    }

    @Test("every third request fails; a probability is reproducible with the seed")
    func everyAndProbability() throws {
        let every = try Self.engine("scenarios:\n  - name: third\n    every: 3\n    error: server-error\n")
        #expect(Self.statuses(every, 6) == [200, 200, 500, 200, 200, 500])
        let rule = "scenarios:\n  - name: coin\n    probability: 0.5\n    error: overloaded\n"
        let a = Self.statuses(try Self.engine(rule, seed: 7), 24)
        #expect(a == Self.statuses(try Self.engine(rule, seed: 7), 24))
        #expect(a.contains(503) && a.contains(200))
        #expect(a != Self.statuses(try Self.engine(rule, seed: 8), 24))
    }

    @Test("matching on body pointers and headers; latency and faults as actions")
    func matchingAndActions() throws {
        let engine = try Self.engine("""
        scenarios:
          - name: weather
            match: {body: {/messages/0/content: {regex: "(?i)weather"}}, header: {x-team: blue}}
            error: {status: 503, message: "Weather is down for {model}"}
          - name: slow
            match: {body: {/stream: true}}
            latency: {fixed_ms: 200, first_token_ms: 300, between_chunks_ms: 20}
        """)
        let weather = #"{"model":"gpt-4o","messages":[{"role":"user","content":"What's the weather?"}]}"#
        #expect(Self.statuses(engine, 1, body: weather) == [200])
        let r = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", headers: [("X-Team", "blue")], body: Array(weather.utf8)))
        #expect(r.status == 503)
        guard case .bytes(let body) = r.body else { Issue.record("no body"); return }
        #expect(try JSONParser.parse(body)["error"]?["message"] == .string("Weather is down for gpt-4o"))
        let slow = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions",
            body: Array(#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8)))
        #expect(slow.delayNanoseconds == 200_000_000)
        guard case .stream(let plan) = slow.body else { Issue.record("not a stream"); return }
        #expect(plan.firstFrameDelayNanoseconds == 300_000_000 && plan.intervalNanoseconds == 20_000_000)
        #expect(slow.scenario == "slow")
    }

    @Test("mistakes in a scenarios file are reported at their line", arguments: [
        ("scenarios:\n  - fault: meteor\n", "s.yaml:2:12", "unknown fault 'meteor'"),
        ("scenarios:\n  - probability: 2\n    error: rate-limit\n", "s.yaml:2:5", "probability must be between 0 and 1"),
        ("scenarios:\n  - match: {modle: gpt-4o}\n    error: rate-limit\n", "s.yaml:2:20", "unknown key 'modle'"),
        ("scenarios:\n  - name: empty\n", "s.yaml:2:5", "needs an action"),
    ])
    func errors(yaml: String, location: String, message: String) {
        do {
            _ = try ScenarioRule.parseAll(yaml: yaml, file: "s.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix(location), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }
}

@Suite("API keys and BYOK")
struct AccessTests {
    static func engine() throws -> MockEngine {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(0))
        configuration.access = Access(list: "sk-known, sk-byok:byok # a comment\n")
        return MockEngine(configuration: configuration)
    }

    static func send(_ engine: MockEngine, path: String = "/v1/chat/completions", key: String?, model: String = "gpt-4o") throws -> (Int, JSONValue) {
        let headers: [(name: String, value: String)] = key.map { [("Authorization", "Bearer \($0)")] } ?? []
        let r = engine.respond(to: MockRequest(method: "POST", path: path, headers: headers,
                                               body: Array(#"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#.utf8)))
        guard case .bytes(let body) = r.body else { return (r.status, .null) }
        return (r.status, try JSONParser.parse(body))
    }

    @Test("missing and unknown keys get the flavour's 401; known keys pass")
    func keys() throws {
        let engine = try Self.engine()
        let (missing, body) = try Self.send(engine, key: nil)
        #expect(missing == 401 && body["error"]?["message"]?.stringValue?.hasPrefix("You didn't provide an API key") == true)
        let (unknown, unknownBody) = try Self.send(engine, key: "sk-stranger-1234")
        #expect(unknown == 401 && unknownBody["error"]?["code"] == .string("invalid_api_key"))
        #expect(unknownBody["error"]?["message"]?.stringValue?.contains("sk-*****1234") == true)
        #expect(try Self.send(engine, key: "sk-known").0 == 200)
        let (openrouter, orBody) = try Self.send(engine, path: "/api/v1/chat/completions", key: "sk-stranger")
        #expect(openrouter == 401 && orBody["error"]?["code"] == .int(401))
    }

    @Test("gpt-5 through OpenRouter needs BYOK: the seed's wording, then served with a BYOK key")
    func byok() throws {
        let engine = try Self.engine()
        let (refused, body) = try Self.send(engine, path: "/api/v1/chat/completions", key: "sk-known", model: "openai/gpt-5")
        #expect(refused == 403)
        #expect(body["error"]?["message"] == .string("OpenAI requires bringing your own API key to use GPT-5 over the API. Set up here: https://openrouter.ai/settings/integrations"))
        #expect(try Self.send(engine, path: "/api/v1/chat/completions", key: "sk-byok", model: "openai/gpt-5").0 == 200)
        #expect(try Self.send(engine, key: "sk-known", model: "gpt-5").0 == 200)  // OpenAI itself: no BYOK
    }

    @Test("a repeatable request's repeats still ask for BYOK: the key decides, not the repeat cache")
    func byokRepeats() throws {
        let engine = try Self.engine()
        let body = Array(#"{"model":"openai/gpt-5","seed":7,"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        func status(_ key: String) -> Int {
            engine.respond(to: MockRequest(method: "POST", path: "/api/v1/chat/completions",
                                           headers: [("Authorization", "Bearer \(key)")], body: body)).status
        }
        #expect((0..<3).map { _ in status("sk-byok") } == [200, 200, 200])
        #expect(status("sk-known") == 403)
    }
}

@Suite("Rate limits")
struct RateLimitTests {
    static func engine(_ limits: String, clock: ServerClock = .fixed(1_751_328_030)) throws -> MockEngine {
        var configuration = MockConfiguration(fixtures: try Fixtures.embedded(), clock: clock)
        configuration.rateLimits = RateLimiter.Limits(argument: limits)
        return MockEngine(configuration: configuration)
    }

    static func send(_ engine: MockEngine, key: String = "sk-a", path: String = "/v1/chat/completions") -> MockResponse {
        engine.respond(to: MockRequest(method: "POST", path: path, headers: [("Authorization", "Bearer \(key)")],
                                       body: Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about bees"}]}"#.utf8)))
    }

    @Test("requests per minute: the headers count down, then 429 with retry-after to the window's end; keys are separate")
    func requests() throws {
        let engine = try Self.engine("rpm=3")
        let answers = (0..<4).map { _ in Self.send(engine) }
        #expect(answers.map(\.status) == [200, 200, 200, 429])
        #expect(answers.prefix(3).map { $0.header("x-ratelimit-remaining-requests") } == ["2", "1", "0"])
        #expect(answers[0].header("x-ratelimit-reset-requests") == "30s")
        #expect(answers[3].header("retry-after") == "30")
        #expect(Self.send(engine, key: "sk-b").status == 200)
        #expect(Self.send(engine, path: "/v1/responses").status == 429)
    }

    @Test("tokens per minute: served tokens count; past the limit the 429 is of type tokens")
    func tokens() throws {
        let engine = try Self.engine("tpm=150")
        var statuses: [Int] = []
        var last = Self.send(engine)
        statuses.append(last.status)
        while last.status == 200 && statuses.count < 20 {
            last = Self.send(engine)
            statuses.append(last.status)
        }
        #expect(statuses.count > 1 && statuses.last == 429)
        guard case .bytes(let body) = last.body else { return }
        #expect(try JSONParser.parse(body)["error"]?["type"] == .string("tokens"))
        #expect(RateLimiter.Limits(argument: "rpm=0") == nil && RateLimiter.Limits(argument: "qps=3") == nil)
    }

    @Test("the admin API lists the windows in force: limits, when they turn, each key masked with its counts")
    func listing() throws {
        let engine = try Self.engine("rpm=3,tpm=100000")
        for key in ["sk-alpha-1234567890", "sk-alpha-1234567890", "sk-b"] { _ = Self.send(engine, key: key) }
        let answer = engine.respond(to: MockRequest(method: "GET", path: "/__understudy/rate-limits", headers: [], body: []))
        guard case .bytes(let body) = answer.body else { Issue.record("no body"); return }
        let listing = try JSONParser.parse(body)
        #expect(answer.status == 200)
        #expect(listing["limits"]?["requests_per_minute"] == .int(3))
        #expect(listing["resets_in_seconds"] == .int(30), "the clock is at :30 of its minute")
        let windows = listing["windows"]?.arrayValue ?? []
        #expect(windows.map { $0["key"] } == [.string("sk-*****7890"), .string("*****")], "never a whole key")
        #expect(windows.map { $0["requests"] } == [.int(2), .int(1)])
        #expect(windows.map { $0["remaining_requests"] } == [.int(1), .int(2)])
        #expect(windows.first?["tokens"] != .int(0), "served tokens count")
        #expect(!String(decoding: body, as: UTF8.self).contains("alpha"))

        let unlimited = try ScenarioTests.engine("scenarios: []")
        guard case .bytes(let none) = unlimited.respond(to: MockRequest(method: "GET", path: "/__understudy/rate-limits", headers: [], body: [])).body else { return }
        #expect(try JSONParser.parse(none)["limits"] == .null)
    }
}

extension MockResponse {
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
}

@Suite("OpenRouter fallbacks")
struct FallbackTests {
    static func engine(_ rules: String, clock: ServerClock = .fixed(1_751_328_000)) throws -> MockEngine {
        var fixtures = try Fixtures.embedded()
        fixtures.scenarios = try ScenarioRule.parseAll(yaml: rules, file: "f.yaml")
        return MockEngine(configuration: MockConfiguration(fixtures: fixtures, clock: clock))
    }

    static func send(_ engine: MockEngine, _ extra: String, model: String = "openai/gpt-4o") throws -> (Int, JSONValue, String?) {
        let r = engine.respond(to: MockRequest(method: "POST", path: "/api/v1/chat/completions",
            body: Array(#"{"model":"\#(model)","messages":[{"role":"user","content":"hi there"}]\#(extra)}"#.utf8)))
        guard case .bytes(let body) = r.body else { return (r.status, .null, nil) }
        return (r.status, try JSONParser.parse(body), r.headers.first { $0.name == "x-understudy-attempts" }?.value)
    }

    @Test("a failing model falls through to the next of `models`; the answer names who served and what it cost")
    func models() throws {
        let engine = try Self.engine("scenarios:\n  - match: {model: gpt-4o}\n    error: overloaded\n")
        let (status, body, attempts) = try Self.send(engine, #","models":["openai/gpt-4.1"]"#)
        #expect(status == 200)
        #expect(body["model"] == .string("openai/gpt-4.1") && body["provider"] == .string("OpenAI"))
        #expect(attempts == "openai/gpt-4o@OpenAI=503, openai/gpt-4o@Azure=503, openai/gpt-4.1@OpenAI=200")
        let usage = try #require(body["usage"])
        let expected = (Double(usage["prompt_tokens"]!.integerValue!) * 2 + Double(usage["completion_tokens"]!.integerValue!) * 8) / 1_000_000
        #expect(abs((usage["cost"]?.doubleValue ?? 0) - expected) < 1e-12)
    }

    @Test("a failing provider falls through to the model's next provider; order, only and allow_fallbacks steer it")
    func providers() throws {
        let engine = try Self.engine("scenarios:\n  - match: {provider: OpenAI}\n    error: bad-gateway\n")
        #expect(try Self.send(engine, "").1["provider"] == .string("Azure"))
        let quiet = try Self.engine("scenarios: []\n")
        #expect(try Self.send(quiet, #","provider":{"order":["Azure"]}"#).1["provider"] == .string("Azure"))
        #expect(try Self.send(quiet, #","provider":{"only":["azure"]}"#).1["provider"] == .string("Azure"))
        let (status, body, attempts) = try Self.send(engine, #","provider":{"order":["OpenAI"],"allow_fallbacks":false}"#)
        #expect(status == 502 && body["error"]?["code"] == .int(502))
        #expect(attempts == "openai/gpt-4o@OpenAI=502")
    }

    @Test("a deprecated model in the chain is passed over; when all fail the client gets the last error")
    func deprecatedAndAllFailing() throws {
        let late = try Self.engine("scenarios: []\n", clock: .fixed(UTCDate.parseInstant("2025-08-01T00:00:00Z")!))
        let (status, body, _) = try Self.send(late, #","models":["openai/gpt-4o"]"#, model: "openai/gpt-4.5-preview")
        #expect(status == 200 && body["model"] == .string("openai/gpt-4o"))
        let broken = try Self.engine("scenarios:\n  - match: {model: gpt-4o}\n    error: overloaded\n  - match: {model: gpt-4.1}\n    error: timeout\n")
        let (lastStatus, _, attempts) = try Self.send(broken, #","models":["openai/gpt-4.1"]"#)
        #expect(lastStatus == 408)
        #expect(attempts?.hasSuffix("openai/gpt-4.1@Azure=408") == true)
    }
}

@Suite("Stream faults with parameters")
struct StreamFaultTests {
    static func frames(_ rule: String) throws -> (StreamPlan, [String]) {
        var fixtures = try Fixtures.embedded()
        fixtures.scenarios = try ScenarioRule.parseAll(yaml: "scenarios:\n  - \(rule)\n", file: "f.yaml")
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, clock: .fixed(0)))
        let r = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions",
            body: Array(#"{"model":"gpt-4o","stream":true,"seed":1,"messages":[{"role":"user","content":"Tell me about owls"}]}"#.utf8)))
        guard case .stream(let plan) = r.body else { throw ScenarioTestError.notStreamed }
        return (plan, plan.frames.remaining().map { String(decoding: $0, as: UTF8.self) })
    }

    enum ScenarioTestError: Error { case notStreamed }

    @Test("cut after N, stall, drop and duplicate an event, error at N")
    func faults() throws {
        let (whole, wholeFrames) = try Self.frames("pass: true")
        let (cut, _) = try Self.frames("fault: {kind: stream-cut, after: 5}")
        #expect(cut.frames.count == 5 && cut.ending == .close)
        let (stalled, _) = try Self.frames("fault: {kind: stall, after: 2}")
        #expect(stalled.frames.count == 2 && stalled.ending == .stall)
        let (_, dropped) = try Self.frames("fault: {kind: drop-event, after: 4}")
        #expect(dropped.count == whole.frames.count - 1 && !dropped.contains(wholeFrames[4]))
        let (_, doubled) = try Self.frames("fault: duplicate-event")
        #expect(doubled.count == whole.frames.count + 1 && doubled[3] == doubled[4])
        let (errored, errorFrames) = try Self.frames("fault: {kind: stream-error, after: 6}")
        #expect(errored.frames.count == 7 && errorFrames.last?.contains(#""error":{"#) == true)
    }
}

@Suite("OpenRouter provider sort")
struct ProviderSortTests {
    @Test("sort by price, throughput or latency picks the provider the catalog ranks first")
    func sort() throws {
        let engine = try FallbackTests.engine("scenarios: []\n")
        #expect(try FallbackTests.send(engine, #","provider":{"sort":"price"}"#).1["provider"] == .string("OpenAI"))
        #expect(try FallbackTests.send(engine, #","provider":{"sort":"throughput"}"#).1["provider"] == .string("Azure"))
        #expect(try FallbackTests.send(engine, #","provider":{"sort":{"by":"latency"}}"#).1["provider"] == .string("Azure"))
    }

    @Test("sort by price moves a cheaper provider ahead of the catalog's default order")
    func priceReorders() throws {
        // The embedded gpt-4o lists the cheaper OpenAI first; list it second so only the sort can pick it.
        var fixtures = try Fixtures.embedded()
        let models = fixtures.catalog.models.map { model in
            var model = model
            if model.id == "openai/gpt-4o" { model.providers.reverse() }
            return model
        }
        #expect(models.first { $0.id == "openai/gpt-4o" }?.providers.map(\.name) == ["Azure", "OpenAI"])
        fixtures.catalog = try ModelCatalog(models: models)
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, clock: .fixed(0)))
        #expect(try FallbackTests.send(engine, "").1["provider"] == .string("Azure"))
        #expect(try FallbackTests.send(engine, #","provider":{"sort":"price"}"#).1["provider"] == .string("OpenAI"))
    }
}

@Suite("Scenario replies")
struct ScenarioReplyTests {
    @Test("a scenario can answer with a canned reply and usage, in both APIs")
    func reply() throws {
        var fixtures = try Fixtures.embedded()
        fixtures.scenarios = try ScenarioRule.parseAll(yaml: """
        scenarios:
          - match: {header: {x-case: canned}}
            reply: "The answer is 42."
            usage: {prompt_tokens: 5, completion_tokens: 6}
        """, file: "r.yaml")
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, clock: .fixed(0)))
        for (path, body) in [("/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"Meaning of life?"}]}"#),
                             ("/v1/responses", #"{"model":"gpt-4o","input":"Meaning of life?"}"#)] {
            let r = engine.respond(to: MockRequest(method: "POST", path: path, headers: [("x-case", "canned")], body: Array(body.utf8)))
            guard case .bytes(let bytes) = r.body else { Issue.record("no body"); continue }
            let value = try JSONParser.parse(bytes)
            let text = value["choices"]?.arrayValue?.first?["message"]?["content"] ?? value.responseText.map(JSONValue.string)
            #expect(text == .string("The answer is 42."), "\(path)")
            #expect((value["usage"]?["prompt_tokens"] ?? value["usage"]?["input_tokens"]) == .int(5), "\(path)")
        }
    }
}

@Suite("Numbers and headers from files are checked at load")
struct LoadTimeRangeTests {
    @Test("latencies, usage, counts and statuses out of range are refused with file:line", arguments: [
        ("latency: {fixed_ms: 10000000000000}", "latency.fixed_ms must be between 0 and 3600000"),
        ("latency: {jitter_ms: 9223372036854775807}", "latency.jitter_ms must be between"),
        ("latency: {first_token_ms: -1}", "latency.first_token_ms must be between"),
        ("latency: {between_chunks_ms: 99999999999}", "latency.between_chunks_ms must be between"),
        ("reply: hi\n    usage: {prompt_tokens: 9223372036854775807}", "usage.prompt_tokens must be between"),
        ("error: {status: -1}", "error.status must be between 400 and 599"),
        ("error: {status: 99999}", "error.status must be between 400 and 599"),
        ("fault: {kind: stream-cut, after: -3}", "fault.after must be between"),
        ("every: 0\n    pass: true", "every must be between 1"),
    ])
    func refused(_ action: String, _ says: String) {
        let yaml = "scenarios:\n  - name: bad\n    \(action)\n"
        #expect {
            _ = try ScenarioRule.parseAll(yaml: yaml, file: "s.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains(says) && text.contains("s.yaml:")
        }
    }

    @Test("the admin API refuses such a rule with a 400, and the models list is still served")
    func admin() {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try! Fixtures.embedded(), clock: .fixed(0)))
        let added = engine.respond(to: MockRequest(method: "POST", path: "/__understudy/scenarios",
                                                   body: Array("scenarios:\n  - name: slow\n    latency: {fixed_ms: 10000000000000}\n".utf8)))
        #expect(added.status == 400)
        #expect(engine.respond(to: MockRequest(method: "GET", path: "/v1/models")).status == 200)
    }

    @Test("a recording whose header would split the response, or whose status is not HTTP, is unreadable")
    func recordings() {
        let split = #"{"request":{"method":"GET","url":"/v1/models"},"response":{"status":200,"headers":{"x-evil":"a\r\nSet-Cookie: injected=1"},"body":{}}}"#
        let status = #"{"request":{"method":"GET","url":"/v1/models"},"response":{"status":-1,"body":{}}}"#
        let delays = #"{"request":{"method":"GET","url":"/v1/models"},"response":{"status":200,"frame_delays_ms":[99999999999999],"body":{}}}"#
        for (line, says) in [(split, "CR, LF or NUL"), (status, "not an HTTP status"), (delays, "frame_delays_ms")] {
            guard case .failure(let error) = ExchangeReader.exchange(fromJSONL: Array(line.utf8), source: "r.jsonl:1") else {
                Issue.record("accepted: \(line)")
                continue
            }
            #expect(error.message.contains(says), "\(error.message)")
        }
    }
}

@Suite("The journal names header-triggered scenarios")
struct HeaderTriggerJournalTests {
    @Test("X-Understudy-Scenario and Prefer: code= show in the journal like rules do")
    func named() throws {
        let engine = MockEngine(configuration: MockConfiguration(fixtures: try Fixtures.embedded(), clock: .fixed(0)))
        let body = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        _ = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", headers: [("x-understudy-scenario", "overloaded")], body: body))
        _ = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", headers: [("prefer", "code=429")], body: body))
        _ = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: body))
        guard case .bytes(let bytes) = engine.respond(to: MockRequest(method: "GET", path: "/__understudy/journal")).body else {
            Issue.record("the journal is not JSON")
            return
        }
        let scenarios = (try JSONParser.parse(bytes)["data"]?.arrayValue ?? []).map { $0["scenario"]?.stringValue ?? "-" }
        #expect(scenarios.sorted() == ["-", "code=429", "overloaded"], "\(scenarios)")
    }
}
