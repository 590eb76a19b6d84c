import Synchronization
import UnderstudyContract

/// What a check works with: the client, the contract, the options, and helpers that turn an answer
/// into findings.
final class ConformContext: Sendable {
    let client: ConformClient
    let contract: OpenAIContract
    let options: ConformOptions
    let check: String
    let inlineSchemas: InlineSchemas
    private let sent = Mutex(0)

    init(client: ConformClient, contract: OpenAIContract, options: ConformOptions, check: String, inlineSchemas: InlineSchemas) {
        self.client = client
        self.contract = contract
        self.options = options
        self.check = check
        self.inlineSchemas = inlineSchemas
    }

    var requestsSent: Int { sent.withLock { $0 } }

    /// A request body written as JSON text, with the target's model filled in.
    func body(_ json: String) -> JSONValue {
        guard case .object(let object) = try? JSONParser.parse(json) else { preconditionFailure("a check's request is not a JSON object: \(json)") }
        var ordered = JSONObject([("model", .string(options.model))])
        for member in object.members where member.key != "model" { ordered[member.key] = member.value }
        return .object(ordered)
    }

    /// Sends a JSON body; `invalidOnPurpose` leaves the request's own contract findings out.
    func send(_ path: String, _ body: JSONValue, invalidOnPurpose: Bool = false) async throws(ConformClient.Unreachable) -> Answer {
        try await send(path, bytes: body.jsonBytes, invalidOnPurpose: invalidOnPurpose)
    }

    func send(_ path: String, bytes: [UInt8], invalidOnPurpose: Bool = false) async throws(ConformClient.Unreachable) -> Answer {
        sent.withLock { $0 += 1 }
        let exchange = try await client.post(path, body: bytes, check: check)
        let validator = contract.exchanges.with(options.flavor.validationOptions)
        return Answer(exchange: exchange, contractFindings: validator.validate(exchange, checkRequest: !invalidOnPurpose).findings)
    }

    /// Findings for a tool call's arguments (JSON text) against the parameters it was declared with.
    func argumentFindings(_ arguments: String?, parameters: JSONValue, call: String) -> [String] {
        guard let arguments else { return ["\(call): no arguments"] }
        guard let value = try? JSONParser.parse(arguments) else {
            return ["\(call): arguments are not JSON: \(arguments.prefix(120))"]
        }
        let schema = inlineSchemas.compile(parameters).schema
        return SchemaValidator().validate(value, against: schema).map {
            "\(call): arguments \(arguments.prefix(120)) break the declared parameters: \($0.instancePath.isEmpty ? "" : $0.instancePath + ": ")\($0.message)"
        }
    }
}

/// One answer: the exchange, what the contract says of it, and its body read as JSON or as events.
struct Answer: Sendable {
    let exchange: Exchange
    /// Schema and ordering findings from `ExchangeValidator`.
    let contractFindings: [String]
    let isEventStream: Bool
    /// The body as JSON (nil for a stream or a body that is not JSON).
    let json: JSONValue?
    /// A stream's events as JSON, `[DONE]` and unparseable data left out.
    let events: [JSONValue]

    init(exchange: Exchange, contractFindings: [String]) {
        self.exchange = exchange
        self.contractFindings = contractFindings
        isEventStream = exchange.response.mediaType == "text/event-stream"
        json = isEventStream ? nil : try? JSONParser.parse(exchange.response.body)
        events = !isEventStream ? [] : SSEParser.events(exchange.response.body).compactMap {
            $0.data == "[DONE]" ? nil : try? JSONParser.parse($0.data)
        }
    }

    var status: Int { exchange.status }
    var isSuccess: Bool { (200..<300).contains(status) }

    /// A short description of an unexpected answer, with the error message if there is one.
    var statusText: String {
        let message = json?["error"]?["message"]?.stringValue ?? String(decoding: exchange.response.body.prefix(160), as: UTF8.self)
        return "\(status) (\(message))"
    }

    /// A 2xx answer that keeps the contract; anything else as findings.
    func expectSuccess() -> [String] {
        guard isSuccess else { return ["expected 200, got \(statusText)"] }
        return contractFindings
    }

    /// A 2xx event stream that keeps the contract; anything else as findings.
    func expectEventStream() -> [String] {
        let findings = expectSuccess()
        guard isSuccess, !isEventStream else { return findings }
        return findings + ["content-type is \(exchange.response.mediaType ?? "missing"), not text/event-stream"]
    }

    /// A 4xx answer in the error envelope; a 2xx or 5xx answer, or a broken envelope, as findings.
    func expectClientError(_ why: String) -> [String] {
        if isSuccess { return ["\(why) was answered \(status); expected a 4xx error envelope"] }
        if status >= 500 { return ["\(why) was answered \(statusText), a server error; expected a 4xx error envelope"] }
        if !(400..<500).contains(status) { return ["\(why) was answered \(status); expected a 4xx error envelope"] }
        return contractFindings
    }
}

/// Usage invariants: the total is the sum of its parts, and every count is a non-negative integer.
func usageFindings(_ usage: JSONValue?, input: String, output: String, where place: String) -> [String] {
    guard let usage, !usage.isNull else { return ["\(place): no usage"] }
    guard let a = usage[input]?.integerValue, let b = usage[output]?.integerValue, let total = usage["total_tokens"]?.integerValue else {
        return ["\(place): usage lacks \(input), \(output) or total_tokens"]
    }
    var findings: [String] = []
    if a < 0 || b < 0 { findings.append("\(place): negative token counts (\(input) \(a), \(output) \(b))") }
    if total != a + b { findings.append("\(place): total_tokens \(total) ≠ \(input) \(a) + \(output) \(b)") }
    return findings
}
