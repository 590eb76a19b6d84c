import UnderstudyContract

/// GET /openapi.yaml (and /v1/openapi.yaml): the contract this server keeps, as YAML.
struct OpenAPISpec: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = ["/openapi.yaml", "/v1/openapi.yaml"].map { path in
        RouteEntry("GET", path, "openapi", .service) { e, c throws(APIError) in try OpenAPISpec(engine: e).answer(c.request) }
    }

    func answer(_ request: MockRequest) throws(APIError) -> MockResponse {
        guard let contract = configuration.contract else { throw .notFound(method: request.method, path: request.path) }
        return MockResponse(status: 200, headers: [("content-type", "application/yaml")], body: .bytes(Array(contract.yaml.utf8)))
    }
}
