import UnderstudyContract

/// The admin API under /__understudy/ (JSON): the journal, scenarios at run time, reset, clock.
///
/// - `GET journal?limit=N`: the newest exchanges (status, flavour, scenario, fault, fallback attempts).
/// - `GET scenarios`; `POST scenarios` with a scenarios document (YAML or JSON, as
///   fixtures/scenarios.yaml) to add rules (a rule of the same name is replaced);
///   `DELETE scenarios/NAME`, or `DELETE scenarios` for all.
/// - `GET rate-limits`: the limits (`--rate-limit`), when the window turns, each key's counts.
/// - `POST reset`: counters, occurrences, stored responses, rate limits, journal, clock.
/// - `POST clock` with `{"clock": "2025-07-01T00:00:00Z"}` or `{"clock": "system"}`.
struct AdminAPI: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("*", "/__understudy/{rest*}", "admin", .admin) { e, c throws(APIError) in AdminAPI(engine: e).answer(c.route.id, c.request) },
    ]

    /// Its own errors are answered here, in OpenAI's envelope, whatever the flavour.
    func answer(_ rest: String, _ request: MockRequest) -> MockResponse {
        if let denied = engine.adminDenial(request) { return denied }
        let method = request.method
        do throws(APIError) {
            switch (method, rest) {
            case ("GET", "journal"):
                let limit = try QueryParameters(request.query).integer("limit", in: 1...state.journalCapacity) ?? 50
                return json(200, JournalEntry.json(try state.journal(limit: limit)))
            case ("GET", "scenarios"):
                return json(200, JSONValue.object(["scenarios": .array(engine.scenarioBook.rules.map { active in
                    .object(["name": .string(active.rule.name), "steps": .int(Int64(active.rule.steps.count))])
                })]).jsonBytes)
            case ("POST", "scenarios"):
                let text = String(decoding: request.body, as: UTF8.self)
                let rules: [ScenarioRule]
                do {
                    rules = try ScenarioRule.parseAll(yaml: text, file: "request body")
                } catch {
                    throw .invalidRequest(error.description, param: "scenarios", code: "invalid_scenarios")
                }
                try engine.change(.addScenarios(text))
                return json(200, JSONValue.object(["added": .array(rules.map { .string($0.name) }),
                                                   "scenarios": .int(Int64(engine.scenarioBook.rules.count))]).jsonBytes)
            case ("DELETE", "scenarios"):
                let count = engine.scenarioBook.rules.count
                try engine.change(.removeScenarios(nil))
                return json(200, JSONValue.object(["removed": .int(Int64(count))]).jsonBytes)
            case ("DELETE", _) where rest.hasPrefix("scenarios/"):
                let name = JSONPointer.percentDecodedQuery(String(rest.dropFirst(10)))
                guard engine.scenarioBook.rules.contains(where: { $0.rule.name == name }) else {
                    throw APIError(status: 404, type: "invalid_request_error", code: "unknown_scenario", param: nil,
                                   message: "No scenario named '\(name)'.")
                }
                try engine.change(.removeScenarios(name))
                return json(200, JSONValue.object(["removed": .int(1)]).jsonBytes)
            case ("GET", "rate-limits"):
                return json(200, try (engine.rateLimiter?.listing(now: now(), state: state) ?? RateLimiter.unlimited).jsonBytes)
            case ("POST", "reset"):
                try engine.reset()
                return json(200, Array(#"{"reset":true}"#.utf8))
            case ("POST", "clock"):
                guard let text = (try? JSONParser.parse(request.body))?["clock"]?.stringValue, let clock = ServerClock(argument: text) else {
                    throw .invalidRequest(#"Send {"clock": "system"} or {"clock": "<ISO-8601 instant>"}."#, param: "clock", code: "invalid_value")
                }
                try engine.change(.setClock(clock))
                return json(200, JSONValue.object(["now": .string(UTCDate.httpDate(now()))]).jsonBytes)
            default:
                throw .notFound(method: method, path: request.path)
            }
        } catch {
            return engine.errorResponse(error, flavor: .openai)
        }
    }
}

