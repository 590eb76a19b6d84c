/// Validates recorded exchanges against a spec: finds the operation, validates the request body
/// and the response (by status and media type), splits SSE bodies into events, validates each,
/// and checks the stream's ordering.
public struct ExchangeValidator: Sendable {
    public struct Result: Sendable {
        public var exchange: String
        public var method: String
        public var path: String
        public var status: Int
        public var operation: String?
        /// `where: message`, e.g. `response event 3: /choices/0: missing required property 'index'`.
        public var findings: [String]
        /// The exchange could not be read (not JSON, not an exchange, a bad `frame_delays_ms`):
        /// `validate` exits 2 for it, as for an unreadable file.
        public var unreadable = false
        /// Reported, never failing: event types no document lists yet, drift under `--drift warn`.
        public var warnings: [String] = []
        /// An operation the contract lacks, under `--unknown-operations skip`: counted apart.
        public var skipped = false
        public var passed: Bool { findings.isEmpty }
    }

    let index: OperationIndex
    let validator: SchemaValidator
    /// Responses are read as the SDKs read them (Dialect.swift): an optional property may be null.
    let responseValidator: SchemaValidator
    public var options = ValidationOptions()

    public init(index: OperationIndex, validator: SchemaValidator = SchemaValidator()) {
        self.index = index
        self.validator = validator.forRequests
        self.responseValidator = validator.forResponses
    }

    /// These options, the same contract.
    public func with(_ options: ValidationOptions) -> ExchangeValidator {
        var copy = self
        copy.options = options
        return copy
    }

    /// Builds the index for a loaded spec.
    public init(document: SpecDocument) throws(SpecError) {
        let compiler = SchemaCompiler(documents: [document])
        let index = OperationIndex(document: document, compiler: compiler)
        if let first = compiler.errors.first { throw SpecError(first.message, at: first.location) }
        self.init(index: index)
    }

    /// Reads and validates every exchange of `files` in order, unreadable lines becoming failures.
    public func validate(files: [String], _ each: (Result) -> Void) throws(ExchangeReader.ReadError) {
        for path in files {
            try ExchangeReader.read(path: path) { read in
                switch read {
                case .success(let exchange):
                    each(validate(exchange))
                case .failure(let error):
                    each(Result(exchange: error.source, method: "-", path: "-", status: 0, operation: nil,
                                findings: ["unreadable: \(error.message)"], unreadable: true))
                }
            }
        }
    }

    /// `checkRequest: false` leaves the request alone (one sent invalid on purpose).
    public func validate(_ exchange: Exchange, checkRequest: Bool = true) -> Result {
        var result = Result(exchange: exchange.source, method: exchange.method, path: exchange.path, status: exchange.status,
                            operation: nil, findings: [])
        guard let operation = index.find(method: exchange.method, path: exchange.path) else {
            let text = "no operation in the spec for \(exchange.method) \(exchange.path)"
            if options.unknownOperations == .skip {
                result.skipped = true
                result.warnings.append(text)
            } else {
                result.findings.append(text)
            }
            return result
        }
        result.operation = operation.id
        // A 4xx answer to a request the contract refuses is the API keeping the contract (a test
        // that sends `temperature: -1` on purpose and records the 400): the request is not judged.
        if checkRequest && !(400..<500).contains(exchange.status) {
            result.findings += requestFindings(operation, body: exchange.request.body)
        }
        var sorter = FindingSorter(day: RecordingDate.day(of: exchange), drift: options.drift)
        guard let media = operation.responseMedia(status: exchange.status) else {
            if exchange.status < 400 { result.findings.append("the spec declares no response \(exchange.status) for \(operation.id)") }
            return result
        }
        let type = exchange.response.mediaType ?? (media.first?.type ?? "application/json")
        if type == "text/event-stream" {
            guard let schema = media.first(where: { $0.type == "text/event-stream" })?.schema else {
                result.findings.append("response: the spec declares no text/event-stream for status \(exchange.status)")
                return result
            }
            var check = StreamCheck(schema: schema, validator: responseValidator, options: options, sorter: sorter)
            check.resumed = exchange.url.contains("starting_after=")
            result.findings += check.feed(exchange.response.body) + check.finish()
            result.warnings += check.warnings
        } else if let schema = media.first(where: { $0.type == type })?.schema ?? media.first(where: { $0.type.contains("json") })?.schema {
            switch parse(exchange.response.body, "response") {
            case .success(let value): sorter.sort(responseValidator.validate(value, against: schema), "response")
            case .failure(let finding): sorter.findings.append(finding.text)
            }
        }
        result.findings += sorter.findings
        result.warnings += sorter.warnings
        return result
    }

    /// Whether the spec has an operation for this request.
    public func knows(method: String, path: String) -> Bool {
        index.find(method: method, path: path) != nil
    }

    /// Findings for a request alone (a proxy checks it before forwarding).
    public func requestFindings(method: String, path: String, body: [UInt8]) -> [String] {
        index.find(method: method, path: path).map { requestFindings($0, body: body) } ?? []
    }

    private func requestFindings(_ operation: OperationIndex.Operation, body: [UInt8]) -> [String] {
        guard let schema = operation.request, !body.isEmpty else { return [] }
        return check(body, schema, "request")
    }

    private func check(_ body: [UInt8], _ schema: Schema, _ whereText: String) -> [String] {
        switch parse(body, whereText) {
        case .success(let value): return validator.validate(value, against: schema).map { FindingSorter.text($0, whereText) }
        case .failure(let finding): return [finding.text]
        }
    }

    private struct Unparsable: Error { var text: String }

    private func parse(_ body: [UInt8], _ whereText: String) -> Swift.Result<JSONValue, Unparsable> {
        do {
            return .success(try JSONParser.parse(body))
        } catch {
            return .failure(Unparsable(text: "\(whereText): the body is not JSON (\(error))"))
        }
    }

    /// Checks for a stream answering `method path` with `status`, nil when the spec declares none.
    public func streamCheck(method: String, path: String, status: Int) -> StreamCheck? {
        guard let schema = index.find(method: method, path: path)?.responseMedia(status: status)?
            .first(where: { $0.type == "text/event-stream" })?.schema else { return nil }
        return StreamCheck(schema: schema, validator: responseValidator, options: options, sorter: FindingSorter(day: nil, drift: options.drift))
    }
}

/// Validates a stream as its bytes arrive: each event against the schema once it is complete, and
/// the order of events when the stream ends.
public struct StreamCheck: Sendable {
    let schema: Schema
    let validator: SchemaValidator
    let options: ValidationOptions
    private var sorter: FindingSorter
    private var parser = SSEParser.Incremental()
    private var events: [SSEParser.Event] = []
    private var payloads: [JSONValue?] = []

    init(schema: Schema, validator: SchemaValidator, options: ValidationOptions, sorter: FindingSorter) {
        self.schema = schema
        self.validator = validator
        self.options = options
        self.sorter = sorter
    }

    /// A stream fetched again from `starting_after` (a background response): it starts mid-way.
    public var resumed = false

    /// What was reported without failing: event types no document lists, drift under `warn`.
    public var warnings: [String] { sorter.warnings }

    /// Events seen so far.
    public var eventCount: Int { events.count }

    /// Findings for the events these bytes complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        parser.feed(bytes).flatMap { check($0) }
    }

    /// Findings for a last unterminated event and for the stream's order.
    public mutating func finish() -> [String] {
        var findings = parser.finish().flatMap { check($0) }
        let isResponses = payloads.contains { ($0?["type"]?.stringValue ?? "").hasPrefix("response.") }
        let isLegacy = payloads.contains { $0?["object"]?.stringValue == "text_completion" }
        let ordering = isResponses ? StreamOrdering.responses(events, payloads, resumed: resumed)
            : isLegacy ? StreamOrdering.legacyCompletions(events, payloads)
            : StreamOrdering.chat(events, payloads, usageRepeatsChoice: options.usageChunkRepeatsChoice)
        findings += ordering.map { "stream: \($0)" }
        return findings
    }

    private mutating func check(_ event: SSEParser.Event) -> [String] {
        events.append(event)
        let n = events.count
        if event.data == "[DONE]" {
            payloads.append(nil)
            return []
        }
        do {
            let value = try JSONParser.parse(event.data)
            payloads.append(value)
            // A mid-stream error is the API's own envelope, not an event of the schema.
            if value["error"] != nil && value["object"] == nil && value["type"] == nil { return [] }
            return sorter.take(validator.validate(value, against: schema), "response event \(n)", unknownTypeWarns: true)
        } catch {
            payloads.append(nil)
            return ["response event \(n): data is not JSON (\(error.message)); the SDKs' json.loads would raise"]
        }
    }
}
