import Synchronization

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
    }

    private struct Window {
        var minute: Int64
        var requests = 0
        var tokens = 0
    }

    let limits: Limits
    private let windows = Mutex<[String: Window]>([:])

    public init(limits: Limits) {
        self.limits = limits
    }

    func reset() { windows.withLock { $0.removeAll() } }

    /// Admits a request from `key` at `now`, or answers the 429 it gets.
    func admit(key: String, now: Int64, flavor: Flavor, model: String) -> APIError? {
        let minute = now.floorDivided(by: 60)
        let retryAfter = max(1, Int(60 - (now - minute * 60)))
        return windows.withLock { windows in
            var window = windows[key] ?? Window(minute: minute)
            if window.minute != minute { window = Window(minute: minute) }
            if let tpm = limits.tokensPerMinute, window.tokens >= tpm {
                return limited(tokens: true, flavor: flavor, model: model, used: window.tokens, retryAfter: retryAfter, window: window)
            }
            if let rpm = limits.requestsPerMinute, window.requests >= rpm {
                return limited(tokens: false, flavor: flavor, model: model, used: window.requests, retryAfter: retryAfter, window: window)
            }
            window.requests += 1
            windows[key] = window
            return nil
        }
    }

    /// Counts a served answer's tokens and returns the headers as they stand now (OpenAI's).
    func record(key: String, now: Int64, tokens: Int) -> [(name: String, value: String)] {
        let minute = now.floorDivided(by: 60)
        let reset = "\(max(1, Int(60 - (now - minute * 60))))s"
        return windows.withLock { windows in
            var window = windows[key] ?? Window(minute: minute)
            window.tokens += tokens
            windows[key] = window
            return headers(window, reset: reset)
        }
    }

    private func headers(_ window: Window, reset: String) -> [(name: String, value: String)] {
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

    private func limited(tokens: Bool, flavor: Flavor, model: String, used: Int, retryAfter: Int, window: Window) -> APIError {
        var error = ErrorCatalog.error(named: tokens ? "rate-limit-tokens" : "rate-limit", flavor: flavor, model: model)!
        if flavor != .openrouter {
            let limit = tokens ? limits.tokensPerMinute! : limits.requestsPerMinute!
            error.message = "Rate limit reached for \(model) in organization org-understudy on \(tokens ? "tokens per min (TPM)" : "requests per min (RPM)"): Limit \(limit), Used \(used), Requested 1. Please try again in \(retryAfter)s. Visit https://platform.openai.com/account/rate-limits to learn more."
            error.headers = [("retry-after", String(retryAfter))] + headers(window, reset: "\(retryAfter)s").map { ($0.name, $0.value) }
        } else {
            error.headers = [("retry-after", String(retryAfter)), ("x-ratelimit-limit", String(tokens ? limits.tokensPerMinute! : limits.requestsPerMinute!)),
                             ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", String((window.minute + 1) * 60_000))]
        }
        return error
    }
}
