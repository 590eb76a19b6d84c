/// A request's own trouble, asked for in headers: `Prefer: code=429` (Prism's convention),
/// `Prefer: scenario=NAME` or `X-Understudy-Scenario: NAME`; and the model's choice between
/// calling a tool and answering, `Prefer: reply=call|text|preamble` or `X-Understudy-Reply: …`.
enum Trigger {
    /// A fault named by the request's headers, if any.
    static func fault(for request: MockRequest) -> Fault? {
        scenarioName(request).flatMap(Fault.init(rawValue:))
    }

    static func scenarioName(_ request: MockRequest) -> String? {
        preferred("scenario", in: request).last ?? request.header("x-understudy-scenario")
    }

    /// The values `Prefer: KEY=VALUE` gives KEY, in order (pairs split by commas, semicolons or spaces).
    static func preferred(_ key: String, in request: MockRequest) -> [String] {
        (request.header("prefer") ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).compactMap { part in
            let pair = part.split(separator: "=", maxSplits: 1)
            return pair.count == 2 && pair[0] == key ? String(pair[1]) : nil
        }
    }

    /// How the journal names what the headers asked for: the scenario's name, or `code=N`.
    static func label(_ request: MockRequest) -> String? {
        if let name = scenarioName(request) { return name }
        return preferred("code", in: request).first.map { "code=\($0)" }
    }

    /// The error a request asks for by header, if any: a catalog error, or a bad name (400).
    static func error(for request: MockRequest, flavor: Flavor, model: String) -> APIError? {
        let code = preferred("code", in: request).last
        let scenario = scenarioName(request)
        if let code {
            guard let status = Int(code), let error = ErrorCatalog.error(status: status, flavor: flavor, model: model) else {
                return APIError(status: 400, type: "invalid_request_error", code: "unknown_scenario", param: nil,
                                message: "Prefer: code=\(code) is not a status the error catalog simulates. Use one of: "
                                    + Set(ErrorCatalog.names.map(\.status)).sorted().map(String.init).joined(separator: ", ") + ".")
            }
            return error
        }
        if let scenario, Fault(rawValue: scenario) == nil {
            guard let error = ErrorCatalog.error(named: scenario, flavor: flavor, model: model) else {
                return APIError(status: 400, type: "invalid_request_error", code: "unknown_scenario", param: nil,
                                message: "Unknown scenario '\(scenario)'. Built-in scenarios: "
                                    + (ErrorCatalog.names.map(\.name) + Fault.allCases.map(\.rawValue)).joined(separator: ", ") + ".")
            }
            return error
        }
        return nil
    }

    /// The reply a request's headers ask for: a tool call, a message, or a short message then a
    /// call, where the live model could make any (it decides from the prompt, which a mock cannot
    /// read as a model does), optionally after a tool search (`search+call`); nil when not asked.
    /// Any other value is a 400.
    static func replyDecision(for request: MockRequest) throws(APIError) -> OutputSpec.Steering? {
        guard let asked = preferred("reply", in: request).last ?? request.header("x-understudy-reply") else { return nil }
        var words = asked.lowercased().split(separator: "+").map(String.init)
        let search = words.first == "search"
        if search { words.removeFirst() }
        guard words.count == 1, let answer = OutputSpec.Decision(rawValue: words[0]) else {
            throw APIError(status: 400, type: "invalid_request_error", code: "unknown_reply", param: nil,
                           message: "X-Understudy-Reply (or Prefer: reply=) is '\(asked)'; use 'call' (call a tool), 'text' (answer with a message) "
                               + "or 'preamble' (a short message, then a call), each optionally after a tool search ('search+call').")
        }
        return OutputSpec.Steering(answer: answer, search: search)
    }
}
