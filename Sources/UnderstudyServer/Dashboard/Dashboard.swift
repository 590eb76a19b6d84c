import UnderstudyMock

/// The dashboard at /__understudy/, answered by the server (the ring and the feed are the wire's):
///
/// - `GET /__understudy/`: the page; `GET /__understudy/ui/FILE`: its script and style (the same
///   bytes as the repository's dashboard/ folder, no data: served to anyone who can reach the server);
/// - `GET /__understudy/exchanges?limit=N`: the newest rows (1000 unless told) and what the ring holds;
/// - `GET /__understudy/exchanges/ID`: one exchange in full; `…/ID.jsonl`: as a `validate` line;
/// - `GET /__understudy/feed`: the rows as they happen (SSE).
///
/// Everything but the files obeys the admin API's access rule; the token may come as `?token=`,
/// since a browser's EventSource sends no headers. Other paths under /__understudy/ are the admin API's.
public final class Dashboard: Sendable {
    public let ring: DashboardRing
    private let engine: MockEngine

    enum Answer {
        case response(MockResponse)
        /// Start the live feed on this connection.
        case feed
    }

    /// What an answer cost at the catalog's prices for the model that served it: input and output
    /// tokens at their per-million prices (cached input and images not counted); nil without usage.
    func cost(of response: MockResponse) -> Double? {
        guard let usage = response.usage, let model = response.model,
              let pricing = engine.configuration.fixtures.catalog.pricing(named: model) else { return nil }
        return (Double(usage.promptTokens) * pricing.input + Double(usage.completionTokens) * pricing.output) / 1_000_000
    }

    public init(engine: MockEngine, byteLimit: Int) {
        self.engine = engine
        ring = DashboardRing(byteLimit: byteLimit)
    }

    /// The answer to a dashboard request, or nil for any other path.
    func answer(_ request: MockRequest) -> Answer? {
        guard request.path.hasPrefix("/__understudy") else { return nil }
        let rest = request.path.dropFirst(13)
        if rest.hasPrefix("/ui/") {
            guard let file = DashboardAssets.files[String(rest.dropFirst(4))] else { return nil }
            return .response(onlyGET(request) ?? MockResponse(
                status: 200, headers: [("content-type", Self.contentType(rest)), ("cache-control", "no-cache")],
                body: .bytes(Array(file.utf8))))
        }
        let page: Answer
        switch rest {
        case "", "/":
            page = .response(MockResponse(status: 200, headers: [
                ("content-type", "text/html; charset=utf-8"), ("cache-control", "no-cache"),
                // Nothing from anywhere else, ever.
                ("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"),
            ], body: .bytes(Array(DashboardAssets.files["index.html", default: ""].utf8))))
        case "/feed":
            page = .feed
        case "/exchanges":
            let limit = QueryParameters(request.query)["limit"].flatMap { Int($0) }.map { min(max($0, 0), 10_000) }
            page = .response(json(ring.listing(limit: limit ?? 1000)))
        default:
            guard rest.hasPrefix("/exchanges/") else { return nil }
            let name = rest.dropFirst(11)
            let download = name.hasSuffix(".jsonl")
            guard let id = Int(download ? name.dropLast(6) : name) else { return nil }
            guard let exchange = ring.exchange(id) else {
                page = .response(engine.errorResponse(APIError(status: 404, type: "invalid_request_error", code: "exchange_gone", param: nil,
                    message: "No exchange \(id): the dashboard's ring no longer holds it (or never did)."), flavor: .openai))
                break
            }
            page = .response(download
                ? MockResponse(status: 200, headers: [("content-type", "application/x-ndjson"),
                                                      ("content-disposition", "attachment; filename=\"exchange-\(id).jsonl\"")],
                               body: .bytes(exchange.jsonl()))
                : json(exchange.detail()))
        }
        if let denied = engine.adminDenial(Self.withQueryToken(request)) ?? onlyGET(request) { return .response(denied) }
        return page
    }

    private func json(_ bytes: [UInt8]) -> MockResponse {
        MockResponse(status: 200, headers: [("content-type", "application/json"), ("cache-control", "no-store")], body: .bytes(bytes))
    }

    private func onlyGET(_ request: MockRequest) -> MockResponse? {
        guard request.method != "GET" && request.method != "HEAD" else { return nil }
        return engine.errorResponse(.methodNotAllowed(method: request.method, path: request.path, allowed: ["GET", "HEAD"]), flavor: .openai)
    }

    /// `?token=T` read as the admin token's header.
    private static func withQueryToken(_ request: MockRequest) -> MockRequest {
        guard let token = QueryParameters(request.query)["token"] else { return request }
        var request = request
        request.headers.append(("x-understudy-admin-token", token))
        return request
    }

    private static func contentType(_ path: Substring) -> String {
        if path.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if path.hasSuffix(".css") { return "text/css; charset=utf-8" }
        return "text/plain; charset=utf-8"
    }
}
