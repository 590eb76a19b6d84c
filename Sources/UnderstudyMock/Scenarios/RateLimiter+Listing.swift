import UnderstudyContract

/// The rate-limit windows in force, for the admin API's `GET rate-limits` (the dashboard's
/// controls): the limits, when the current window turns, and each key's counts in it. Keys show
/// masked, as OpenAI's errors show them (`sk-ab*****wxyz`): never in full.
extension RateLimiter {
    /// At most this many keys are listed.
    static let listedWindows = 100

    /// With no `--rate-limit`: nothing is counted.
    static let unlimited = JSONValue.object(["limits": .null, "resets_in_seconds": .null, "windows": .array([])])

    func listing(now: Int64, state: any ServerState) throws(APIError) -> JSONValue {
        let minute = now.floorDivided(by: 60)
        let windows = try state.rateWindows(minute: minute, limit: Self.listedWindows)
        func count(_ limit: Int?) -> JSONValue { limit.map { .int(Int64($0)) } ?? .null }
        func remaining(_ limit: Int?, _ used: Int) -> JSONValue { limit.map { .int(Int64(max(0, $0 - used))) } ?? .null }
        return .object([
            "limits": .object(["requests_per_minute": count(limits.requestsPerMinute), "tokens_per_minute": count(limits.tokensPerMinute)]),
            "resets_in_seconds": .int(60 - (now - minute * 60)),
            "windows": .array(windows.map { entry in
                .object([
                    "key": .string(Access.masked(entry.apiKey)),
                    "requests": .int(Int64(entry.window.requests)),
                    "tokens": .int(Int64(entry.window.tokens)),
                    "remaining_requests": remaining(limits.requestsPerMinute, entry.window.requests),
                    "remaining_tokens": remaining(limits.tokensPerMinute, entry.window.tokens),
                ])
            }),
        ])
    }
}
