/// Real rate limiting per API key: requests and tokens per minute, in fixed one-minute windows of
/// the server clock (with a fixed `--clock` the window never turns, which makes limits exact in
/// tests). Counts down OpenAI's x-ratelimit-* headers; over the limit, a 429 with retry-after.
public final class RateLimiter: Sendable {
    public struct Limits: Sendable, Equatable {
        public var requestsPerMinute: Int?
        public var tokensPerMinute: Int?

        /// Parses `rpm=N,tpm=N` (either may be left out).
        public init?(argument: String) {
            for part in argument.split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, let value = Int(pair[1]), value > 0 else { return nil }
                switch pair[0] {
                case "rpm": requestsPerMinute = value
                case "tpm": tokensPerMinute = value
                default: return nil
                }
            }
            if requestsPerMinute == nil && tokensPerMinute == nil { return nil }
        }

        /// Whether a window has used up either limit.
        func isReached(by window: RateWindow) -> Bool {
            if let tpm = tokensPerMinute, window.tokens >= tpm { return true }
            if let rpm = requestsPerMinute, window.requests >= rpm { return true }
            return false
        }
    }

    let limits: Limits

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Admits a request from `key` at `now` (counting it in the state's window), or throws the 429
    /// it gets.
    func admit(key: String, now: Int64, flavor: Flavor, model: String, state: any ServerState) throws(APIError) {
        let minute = now.floorDivided(by: 60)
        let window = try state.admit(RateWindow.Key(apiKey: key, minute: minute), limits: limits)
        guard !window.admitted else { return }
        let retryAfter = max(1, Int(60 - (now - minute * 60)))
        let tokens = limits.tokensPerMinute.map { window.tokens >= $0 } ?? false
        throw limited(tokens: tokens, flavor: flavor, model: model, used: tokens ? window.tokens : window.requests, retryAfter: retryAfter,
                      window: window, minute: minute)
    }

    /// Counts a served answer's tokens and returns the headers as they stand now (OpenAI's).
    func record(key: String, now: Int64, tokens: Int, state: any ServerState) throws(APIError) -> [(name: String, value: String)] {
        let minute = now.floorDivided(by: 60)
        let reset = "\(max(1, Int(60 - (now - minute * 60))))s"
        return headers(try state.addTokens(tokens, to: RateWindow.Key(apiKey: key, minute: minute)), reset: reset)
    }

    private func headers(_ window: RateWindow, reset: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let rpm = limits.requestsPerMinute {
            headers += [("x-ratelimit-limit-requests", String(rpm)), ("x-ratelimit-remaining-requests", String(max(0, rpm - window.requests))),
                        ("x-ratelimit-reset-requests", reset)]
        }
        if let tpm = limits.tokensPerMinute {
            headers += [("x-ratelimit-limit-tokens", String(tpm)), ("x-ratelimit-remaining-tokens", String(max(0, tpm - window.tokens))),
                        ("x-ratelimit-reset-tokens", reset)]
        }
        return headers
    }

    private func limited(tokens: Bool, flavor: Flavor, model: String, used: Int, retryAfter: Int, window: RateWindow, minute: Int64) -> APIError {
        var error = ErrorCatalog.error(named: tokens ? "rate-limit-tokens" : "rate-limit", flavor: flavor, model: model)!
        if flavor != .openrouter {
            let limit = tokens ? limits.tokensPerMinute! : limits.requestsPerMinute!
            error.message = "Rate limit reached for \(model) in organization org-understudy on \(tokens ? "tokens per min (TPM)" : "requests per min (RPM)"): Limit \(limit), Used \(used), Requested 1. Please try again in \(retryAfter)s. Visit https://platform.openai.com/account/rate-limits to learn more."
            error.headers = [("retry-after", String(retryAfter))] + headers(window, reset: "\(retryAfter)s").map { ($0.name, $0.value) }
        } else {
            error.headers = [("retry-after", String(retryAfter)), ("x-ratelimit-limit", String(tokens ? limits.tokensPerMinute! : limits.requestsPerMinute!)),
                             ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", String((minute + 1) * 60_000))]
        }
        return error
    }
}
