import UnderstudyContract

/// GET /v1/models (the catalog, as the flavour lists it) and GET /v1/models/{model}: a provider's
/// `openai/gpt-4o` keeps its slash, and percent-escapes are decoded (an SDK encodes a fine-tune's
/// `:` and a provider's `/`).
struct Models: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("GET", "models", "listModels", .models, schema: \OpenAIContract.modelList) { e, c throws(APIError) in
            Models(engine: e).list(c.flavor)
        },
        RouteEntry("GET", "models/{model...}", "retrieveModel", .models, schema: \OpenAIContract.model) { e, c throws(APIError) in
            try Models(engine: e).retrieve(JSONPointer.percentDecoded(c.route.id), c.flavor)
        },
    ]

    func list(_ flavor: Flavor) -> MockResponse {
        json(200, ModelListEncoder.list(catalog.listed(by: flavor), flavor: flavor))
    }

    func retrieve(_ id: String, _ flavor: Flavor) throws(APIError) -> MockResponse {
        guard let model = catalog.serving(id, flavor: flavor) else { throw .modelNotFound(id) }
        return json(200, ModelListEncoder.single(model, flavor: flavor, named: id))
    }
}
