import UnderstudyContract

/// An error answer, independent of flavour: the HTTP status and the four fields of OpenAI's
/// envelope. `Flavor` decides how it is written on the wire.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var type: String
    public var code: String?
    public var param: String?
    public var message: String
    /// Extra response headers (e.g. `allow` on a 405, `retry-after` on a 429).
    public var headers: [(String, String)] = []
    /// Extra members of the error object in flavours that have them (OpenRouter's `availability`).
    public var extra: JSONObject?
    /// OpenRouter's `metadata` (moderation reasons, provider error type…).
    public var metadata: JSONObject?
    /// The contract finding behind a request refused under strict validation (not compared: the
    /// answer is the same error).
    public var finding: String?

    public init(status: Int, type: String, code: String?, param: String?, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.message = message
        self.headers = headers
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.type == rhs.type && lhs.code == rhs.code && lhs.param == rhs.param
            && lhs.message == rhs.message
    }
}

/// The catalogue of errors the mock answers with, worded as the real API words them.
extension APIError {
    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: 400, type: "invalid_request_error", code: code, param: param, message: message)
    }

    public static func invalidJSON(_ detail: String) -> APIError {
        invalidRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. Parser: \(detail).)"
        )
    }

    public static func missingModel() -> APIError {
        invalidRequest("You must provide a model parameter.", code: "missing_required_parameter")
    }

    public static func missingParameter(_ param: String) -> APIError {
        invalidRequest("Missing required parameter: '\(param)'.", param: param, code: "missing_required_parameter")
    }

    public static func invalidType(_ param: String, expected: String, got value: JSONValue) -> APIError {
        invalidRequest(
            "Invalid type for '\(param)': expected \(expected), but got \(value.typeDescription) instead.",
            param: param, code: "invalid_type"
        )
    }

    public static func invalidValue(_ param: String, _ value: String, supported: [String]) -> APIError {
        let list = supported.map { "'\($0)'" }
        let joined = list.count > 1 ? list.dropLast().joined(separator: ", ") + ", and " + list.last! : list.joined()
        return invalidRequest("Invalid value: '\(value)'. Supported values are: \(joined).", param: param, code: "invalid_value")
    }

    static func outOfRange(_ param: String, isInteger: Bool, above: Bool, limit: String, got: String) -> APIError {
        let kind = isInteger ? "integer" : "decimal"
        let direction = above ? "above maximum" : "below minimum"
        let bound = above ? "<=" : ">="
        return invalidRequest(
            "Invalid '\(param)': \(kind) \(direction) value. Expected a value \(bound) \(limit), but got \(got) instead.",
            param: param, code: "\(kind)_\(above ? "above_max" : "below_min")_value"
        )
    }

    static func arrayLength(_ param: String, count: Int, minimum: Int?, maximum: Int?) -> APIError {
        if let minimum, count < minimum {
            return count == 0
                ? invalidRequest(
                    "Invalid '\(param)': empty array. Expected an array with minimum length \(minimum), but got an empty array instead.",
                    param: param, code: "empty_array")
                : invalidRequest(
                    "Invalid '\(param)': array too short. Expected an array with minimum length \(minimum), but got an array with length \(count) instead.",
                    param: param, code: "array_below_min_length")
        }
        return invalidRequest(
            "Invalid '\(param)': array too long. Expected an array with maximum length \(maximum ?? 0), but got an array with length \(count) instead.",
            param: param, code: "array_above_max_length")
    }

    public static func modelNotFound(_ model: String) -> APIError {
        APIError(
            status: 404, type: "invalid_request_error", code: "model_not_found", param: nil,
            message: "The model `\(model)` does not exist or you do not have access to it."
        )
    }

    static func contextLengthExceeded(limit: Int, messages: Int, completion: Int?) -> APIError {
        let message: String
        if let completion {
            message = "This model's maximum context length is \(limit) tokens. However, you requested \(messages + completion) tokens (\(messages) in the messages, \(completion) in the completion). Please reduce the length of the messages or completion."
        } else {
            message = "This model's maximum context length is \(limit) tokens. However, your messages resulted in \(messages) tokens. Please reduce the length of the messages."
        }
        return invalidRequest(message, param: "messages", code: "context_length_exceeded")
    }

    static func maxTokensTooLarge(_ param: String, requested: Int64, limit: Int) -> APIError {
        invalidRequest(
            "\(param) is too large: \(requested). This model supports at most \(limit) completion tokens, whereas you provided \(requested).",
            param: param, code: "invalid_value"
        )
    }

    static func unsupportedParameter(_ param: String, instead: String?) -> APIError {
        invalidRequest(
            "Unsupported parameter: '\(param)' is not supported with this model." + (instead.map { " Use '\($0)' instead." } ?? ""),
            param: param, code: "unsupported_parameter"
        )
    }

    static func unsupportedValue(_ param: String, _ value: String) -> APIError {
        invalidRequest(
            "Unsupported value: '\(param)' does not support \(value) with this model. Only the default (1) value is supported.",
            param: param, code: "unsupported_value"
        )
    }

    public static func notFound(method: String, path: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: "unknown_url", param: nil,
                 message: "Invalid URL (\(method) \(path)).")
    }

    public static func methodNotAllowed(method: String, path: String, allowed: [String]) -> APIError {
        APIError(
            status: 405, type: "invalid_request_error", code: "method_not_allowed", param: nil,
            message: "Method \(method) is not allowed for \(path). Use \(allowed.joined(separator: " or ")).",
            headers: [("allow", allowed.joined(separator: ", "))]
        )
    }

    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(status: 413, type: "invalid_request_error", code: "request_too_large", param: nil,
                 message: "The request body is larger than this server's limit of \(limit) bytes.")
    }

    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(
            status: 415, type: "invalid_request_error", code: "unsupported_media_type", param: nil,
            message: "Unsupported Content-Type '\(contentType)'. Send the JSON body with 'Content-Type: application/json'."
        )
    }

    public static func badHTTP(_ detail: String) -> APIError {
        APIError(status: 400, type: "invalid_request_error", code: "bad_request", param: nil,
                 message: "The HTTP request could not be parsed: \(detail).")
    }
}
