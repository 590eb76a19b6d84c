import UnderstudyContract

/// Every error the three providers document, by status and by scenario name, each in its
/// provider's words with its headers (retry-after and rate-limit headers on 429 and 503).
public enum ErrorCatalog {
    /// Scenario names and the status each stands for; `Prefer: code=N` takes any of the statuses.
    public static let names: [(name: String, status: Int)] = [
        ("bad-request", 400), ("unauthorized", 401), ("no-credits", 402), ("forbidden", 403), ("moderation", 403),
        ("region", 403), ("not-found", 404), ("timeout", 408), ("conflict", 409), ("too-large", 413),
        ("unprocessable", 422), ("rate-limit", 429), ("rate-limit-tokens", 429), ("insufficient-quota", 429),
        ("server-error", 500), ("bad-gateway", 502), ("overloaded", 503), ("gateway-timeout", 504),
        ("origin-timeout", 524), ("provider-overloaded", 529),
    ]

    public static func error(status: Int, flavor: Flavor, model: String) -> APIError? {
        guard let name = names.first(where: { $0.status == status })?.name else { return nil }
        return error(named: name, flavor: flavor, model: model)
    }

    public static func error(named name: String, flavor: Flavor, model: String) -> APIError? {
        guard let status = names.first(where: { $0.name == name })?.status else { return nil }
        var e: APIError
        switch name {
        case "bad-request":
            e = APIError(status: 400, type: "invalid_request_error", code: nil, param: nil,
                         message: flavor == .aimlapi ? "Body validation error!" : "Invalid request: the simulated provider rejected the request.")
        case "unauthorized":
            e = APIError(status: 401, type: "invalid_request_error", code: "invalid_api_key", param: nil,
                         message: flavor == .openrouter ? "No auth credentials found"
                            : "Incorrect API key provided: sk-unde*****tudy. You can find your API key at https://platform.openai.com/account/api-keys.")
        case "no-credits":
            e = flavor == .aimlapi
                ? APIError(status: 403, type: "insufficient_credits", code: "insufficient_credits", param: nil,
                           message: "You have run out of credits. Please top up your balance to continue.")
                : APIError(status: 402, type: "insufficient_credits", code: "insufficient_credits", param: nil,
                           message: "This request requires more credits, or fewer max_tokens. Add more credits at https://openrouter.ai/settings/credits")
        case "forbidden":
            e = APIError(status: 403, type: "permission_error", code: "forbidden", param: nil,
                         message: "You are not allowed to use this model with this key.")
        case "moderation":
            e = APIError(status: 403, type: "moderation_error", code: "content_policy_violation", param: nil,
                         message: "\(model) requires moderation on OpenRouter. Your input was flagged for \"harassment\".")
            e.metadata = ["reasons": .array([.string("harassment")]), "flagged_input": .string("…"),
                          "provider_name": .string("OpenAI"), "model_slug": .string(model)]
        case "region":
            e = APIError(status: 403, type: "request_forbidden", code: "unsupported_country_region_territory", param: nil,
                         message: "Country, region, or territory not supported")
        case "not-found":
            e = .modelNotFound(model)
        case "timeout":
            e = APIError(status: 408, type: "timeout", code: "timeout", param: nil, message: "Request timed out.")
        case "conflict":
            e = APIError(status: 409, type: "conflict", code: "conflict", param: nil,
                         message: "Another request is already being processed for this resource.")
        case "too-large":
            e = .payloadTooLarge(limit: 8 * 1024 * 1024)
        case "unprocessable":
            e = APIError(status: 422, type: "invalid_request_error", code: "unprocessable_entity", param: nil,
                         message: "The request was well-formed but could not be processed.")
        case "rate-limit", "rate-limit-tokens":
            let tokens = name == "rate-limit-tokens"
            e = APIError(status: 429, type: tokens ? "tokens" : "requests", code: "rate_limit_exceeded", param: nil,
                         message: flavor == .openrouter ? "Rate limit exceeded: limit_rpm/\(model)."
                            : "Rate limit reached for \(model) in organization org-understudy on \(tokens ? "tokens per min (TPM): Limit 30000, Used 30000, Requested 512" : "requests per min (RPM): Limit 3, Used 3, Requested 1"). Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.")
            e.headers = rateLimitHeaders(flavor: flavor, tokens: tokens)
        case "insufficient-quota":
            e = APIError(status: 429, type: "insufficient_quota", code: "insufficient_quota", param: nil,
                         message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.")
        case "server-error":
            e = APIError(status: 500, type: "server_error", code: nil, param: nil,
                         message: flavor == .openrouter ? "Internal Server Error"
                            : "The server had an error while processing your request. Sorry about that!")
        case "bad-gateway":
            e = APIError(status: 502, type: "server_error", code: "bad_gateway", param: nil,
                         message: flavor == .openrouter ? "Provider returned error" : "Bad gateway.")
            if flavor == .openrouter { e.metadata = ["error_type": .string("provider_unavailable"), "provider_name": .string("OpenAI")] }
        case "overloaded":
            e = APIError(status: 503, type: "service_unavailable_error", code: "server_is_overloaded", param: nil,
                         message: flavor == .openrouter ? "No available model provider that meets your routing requirements"
                            : "The engine is currently overloaded, please try again later")
            e.headers = [("retry-after", "1")]
        case "gateway-timeout":
            e = APIError(status: 504, type: "timeout", code: "gateway_timeout", param: nil, message: "Gateway timeout.")
        case "origin-timeout":
            e = APIError(status: 524, type: "timeout", code: "origin_timeout", param: nil,
                         message: "A timeout occurred while waiting for the provider.")
        default:
            e = APIError(status: 529, type: "overloaded_error", code: "provider_overloaded", param: nil,
                         message: "The provider is overloaded. Please try again later.")
            e.headers = [("retry-after", "1")]
        }
        e.status = status == 402 && flavor == .aimlapi ? 403 : e.status
        return e
    }

    static func rateLimitHeaders(flavor: Flavor, tokens: Bool) -> [(String, String)] {
        if flavor == .openrouter {
            return [("retry-after", "1"), ("x-ratelimit-limit", "20"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1000")]
        }
        return [
            ("retry-after", "1"),
            ("x-ratelimit-limit-requests", "3"), ("x-ratelimit-remaining-requests", tokens ? "2" : "0"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-limit-tokens", "30000"), ("x-ratelimit-remaining-tokens", tokens ? "0" : "29488"),
            ("x-ratelimit-reset-tokens", tokens ? "1s" : "6ms"),
        ]
    }
}
