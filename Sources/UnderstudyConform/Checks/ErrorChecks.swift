import UnderstudyContract

/// Deliberately invalid requests: each must get a 4xx in the error envelope — never a 2xx, never a 5xx.
enum ErrorChecks {
    static let all: [ConformCheck] = [
        invalid("errors.malformed-json", "a body that is not JSON", path: "/chat/completions", raw: #"{"model": "m", "messages": ["#),
        invalid("errors.missing-required", "a chat request without messages", path: "/chat/completions", json: #"{}"#),
        invalid("errors.wrong-type", "messages given as a string", path: "/chat/completions", json: #"{"messages": "hello"}"#),
        invalid("errors.out-of-range", "temperature 5 (the range is 0 to 2)", path: "/chat/completions",
                json: #"{"messages": [{"role": "user", "content": "hi"}], "temperature": 5}"#),
        invalid("errors.unknown-role", "a message with role 'wizard'", path: "/chat/completions",
                json: #"{"messages": [{"role": "wizard", "content": "hi"}]}"#),
        unknownModel,
        invalid("errors.responses-invalid", "a Responses request whose input is a number", path: "/responses", json: #"{"input": 42}"#),
    ]

    static func invalid(_ name: String, _ what: String, path: String, json: String? = nil, raw: String? = nil) -> ConformCheck {
        ConformCheck(name: name, suite: .errors, summary: "\(what) gets a 4xx error envelope") { context throws(ConformClient.Unreachable) in
            let answer = if let raw {
                try await context.send(path, bytes: Array(raw.utf8), invalidOnPurpose: true)
            } else {
                try await context.send(path, context.body(json ?? "{}"), invalidOnPurpose: true)
            }
            return answer.expectClientError(what)
        }
    }

    static let unknownModel = ConformCheck(
        name: "errors.unknown-model", suite: .errors, summary: "a model that does not exist gets a 4xx error envelope"
    ) { context throws(ConformClient.Unreachable) in
        var request = context.body(#"{"messages": [{"role": "user", "content": "hi"}]}"#).objectValue!
        request["model"] = .string("understudy-conform/no-such-model")
        let answer = try await context.send("/chat/completions", .object(request))
        return answer.expectClientError("an unknown model")
    }
}
