import UnderstudyContract

/// GET /health (and /healthz, and HEAD for probes that send it): the server is up.
struct Health: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = ["/health", "/healthz"].flatMap { path in
        ["GET", "HEAD"].map { method in
            RouteEntry(method, path, "health", .service) { e, _ throws(APIError) in Health(engine: e).answer() }
        }
    }

    func answer() -> MockResponse { json(200, Array(#"{"status":"ok"}"#.utf8)) }
}
