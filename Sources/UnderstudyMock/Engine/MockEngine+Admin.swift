import UnderstudyContract

/// Who may use the admin API, and the same powers for code in the same process (UnderstudyTesting).
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
