import UnderstudyContract

/// A resource of the API: the operations it answers, each registered in the route table by
/// method and path template. It reads the engine's configuration and state, nothing else.
protocol Resource {
    static var routes: [RouteEntry] { get }
    var engine: MockEngine { get }
}

/// What every resource reaches for.
extension Resource {
    var configuration: MockConfiguration { engine.configuration }
    var state: any ServerState { engine.state }
    var catalog: ModelCatalog { engine.configuration.fixtures.catalog }
    var inlineSchemas: InlineSchemas { engine.inlineSchemas }

    func now() -> Int64 { engine.now() }
    func nextOccurrence(_ hash: UInt64) throws(APIError) -> Int { try engine.nextOccurrence(hash) }
    func requestID(_ hash: UInt64) -> String { engine.requestID(hash) }
    func json(_ status: Int, _ body: [UInt8]) -> MockResponse { engine.json(status, body) }

    /// A JSON body's content type: anything else is the live API's 415.
    func checkContentType(_ request: MockRequest) throws(APIError) {
        if let contentType = request.header("content-type"), !MockEngine.isJSON(contentType) {
            throw .unsupportedMediaType(contentType)
        }
    }

    /// Checks a request body against its schema in specs/ (OpenAI's; OpenRouter's request shapes
    /// are checked by the decoders): under strict validation the first finding is the error,
    /// otherwise the findings come back as warnings for the response.
    func validateRequest(_ body: JSONValue, against schema: KeyPath<OpenAIContract, Schema?>, flavor: Flavor) throws(APIError) -> [String] {
        guard flavor != .openrouter, configuration.requestValidation != .off,
              let schema = configuration.contract?[keyPath: schema] else { return [] }
        let findings = engine.validator.validate(body, against: schema)
        guard let first = findings.first else { return [] }
        if configuration.requestValidation == .strict { throw APIError.from(first, in: body) }
        return findings.map { "request: \($0)" }
    }

    /// A JSON object body (content type, JSON, schema, object checked in the live API's order):
    /// the body, the findings a non-strict validation lets through, and a reader of its members.
    func objectBody(_ context: RequestContext, against schema: KeyPath<OpenAIContract, Schema?>)
        throws(APIError) -> (body: JSONValue, warnings: [String], reader: FieldReader) {
        try checkContentType(context.request)
        let body = try context.jsonBody()
        let warnings = try validateRequest(body, against: schema, flavor: context.flavor)
        guard let object = body.objectValue else {
            throw .invalidRequest("The request body must be a JSON object, but got \(body.typeDescription).", code: "invalid_type")
        }
        return (body, warnings, FieldReader(object))
    }
}
