import UnderstudyContract

/// The admin API under /__understudy/ (JSON): the journal, scenarios at run time, reset, clock.
///
/// - `GET journal?limit=N`: the newest exchanges (status, flavour, scenario, fault, fallback attempts).
/// - `GET scenarios`; `POST scenarios` with a scenarios document (YAML or JSON, as
///   fixtures/scenarios.yaml) to add rules (a rule of the same name is replaced);
///   `DELETE scenarios/NAME`, or `DELETE scenarios` for all.
/// - `POST reset`: counters, occurrences, stored responses, rate limits, journal, clock.
/// - `POST clock` with `{"clock": "2025-07-01T00:00:00Z"}` or `{"clock": "system"}`.
extension MockEngine {
    /// The answer to a request the admin API's access rule turns away (404 when it is off, 401
    /// without its token), or nil when the request may go on. The server's /metrics obeys it too.
    public func adminDenial(_ request: MockRequest) -> MockResponse? {
        switch configuration.admin {
        case .off:
            return errorResponse(.notFound(method: request.method, path: request.path), flavor: .openai)
        case .token(let token) where ScenarioRule.apiKey(of: request) != token && request.header("x-understudy-admin-token") != token:
            return errorResponse(APIError(status: 401, type: "invalid_request_error", code: "admin_token_required", param: nil,
                                          message: "The admin API needs its token: Authorization: Bearer <--admin-token>."), flavor: .openai)
        default:
            return nil
        }
    }

    func admin(_ rest: String, _ request: MockRequest) -> MockResponse {
        if let denied = adminDenial(request) { return denied }
        let method = request.method
        do throws(APIError) {
            switch (method, rest) {
            case ("GET", "journal"):
                let limit = try QueryParameters(request.query).integer("limit", in: 1...state.journalCapacity) ?? 50
                return json(200, JournalEntry.json(try state.journal(limit: limit)))
            case ("GET", "scenarios"):
                return json(200, JSONValue.object(["scenarios": .array(scenarioBook.rules.map { active in
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
                try change(.addScenarios(text))
                return json(200, JSONValue.object(["added": .array(rules.map { .string($0.name) }),
                                                   "scenarios": .int(Int64(scenarioBook.rules.count))]).jsonBytes)
            case ("DELETE", "scenarios"):
                let count = scenarioBook.rules.count
                try change(.removeScenarios(nil))
                return json(200, JSONValue.object(["removed": .int(Int64(count))]).jsonBytes)
            case ("DELETE", _) where rest.hasPrefix("scenarios/"):
                let name = JSONPointer.percentDecodedQuery(String(rest.dropFirst(10)))
                guard scenarioBook.rules.contains(where: { $0.rule.name == name }) else {
                    throw APIError(status: 404, type: "invalid_request_error", code: "unknown_scenario", param: nil,
                                   message: "No scenario named '\(name)'.")
                }
                try change(.removeScenarios(name))
                return json(200, JSONValue.object(["removed": .int(1)]).jsonBytes)
            case ("POST", "reset"):
                try reset()
                return json(200, Array(#"{"reset":true}"#.utf8))
            case ("POST", "clock"):
                guard let text = (try? JSONParser.parse(request.body))?["clock"]?.stringValue, let clock = ServerClock(argument: text) else {
                    throw .invalidRequest(#"Send {"clock": "system"} or {"clock": "<ISO-8601 instant>"}."#, param: "clock", code: "invalid_value")
                }
                try change(.setClock(clock))
                return json(200, JSONValue.object(["now": .string(UTCDate.httpDate(now()))]).jsonBytes)
            default:
                throw .notFound(method: method, path: request.path)
            }
        } catch {
            return errorResponse(error, flavor: .openai)
        }
    }
}

/// The same powers as the admin API, for code in the same process (UnderstudyTesting).
extension MockEngine {
    /// Adds scenario rules written as in fixtures/scenarios.yaml; a rule of the same name is replaced.
    public func addScenarios(yaml: String) throws(FixtureError) {
        _ = try ScenarioRule.parseAll(yaml: yaml, file: "scenarios")
        do throws(APIError) {
            try change(.addScenarios(yaml))
        } catch {
            throw FixtureError(file: "scenarios", line: 1, column: 1, message: error.message)
        }
    }

    /// Removes the scenario of that name, or every scenario for nil; returns how many went.
    @discardableResult
    public func removeScenarios(named name: String? = nil) -> Int {
        let count = scenarioBook.rules.filter { name == nil || $0.rule.name == name }.count
        if count > 0 { try? change(.removeScenarios(name)) }
        return count
    }

    /// The last `limit` exchanges, oldest first.
    public func journalEntries(limit: Int = 500) -> [JournalEntry] {
        (try? state.journal(limit: limit)) ?? []
    }

    /// Forgets learnt state: occurrences, stored responses, scenario counts, limits, journal, clock.
    public func resetState() { try? reset() }

    /// Sets the clock every answer uses (nil: back to the configured one).
    public func setServerClock(_ clock: ServerClock?) { try? change(.setClock(clock)) }

    /// Whether `name` is a scenario this engine knows (what `MockResponse.scenario` may hold, less
    /// whatever a client put in its headers): a rule's name, a built-in error or fault, or
    /// `code=N` for a status the error catalog simulates.
    public func knowsScenario(_ name: String) -> Bool {
        if ErrorCatalog.names.contains(where: { $0.name == name }) || Fault(rawValue: name) != nil { return true }
        if name.hasPrefix("code=") {
            // Spelt exactly as the catalog's status (not "code=0429"), so the names stay few.
            return ErrorCatalog.names.contains { "code=\($0.status)" == name }
        }
        return scenarioBook.rules.contains { $0.rule.name == name }
    }
}
