import UnderstudyContract

/// DELETE /v1/models/{model}: a fine-tune (`ft:BASE:…` of a model the catalog knows) is deleted,
/// as its owner deleting it would see; a model of the catalog is not yours to delete, a 403; an
/// id the catalog does not know is the same 404 retrieving it gives. OpenRouter has no such
/// operation: the 405 its path gave before.
struct ModelDeletion: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("DELETE", "models/{model...}", "deleteModel", .models, schema: \OpenAIContract.deletedModel) { e, c throws(APIError) in
            try ModelDeletion(engine: e).delete(JSONPointer.percentDecoded(c.route.id), c)
        },
    ]

    func delete(_ id: String, _ context: RequestContext) throws(APIError) -> MockResponse {
        if context.flavor == .openrouter {
            throw .methodNotAllowed(method: context.request.method, path: context.request.path, allowed: ["GET"])
        }
        if let base = ModelCatalog.fineTuneBase(id), catalog.serving(base, flavor: context.flavor) != nil {
            return json(200, JSONValue.object(JSONObject([
                ("id", .string(id)), ("object", .string("model")), ("deleted", .bool(true)),
            ])).jsonBytes)
        }
        guard let model = catalog.serving(id, flavor: context.flavor) else { throw .modelNotFound(id) }
        // The live API's status for a model the organisation does not own is a 403 (the SDK's
        // PermissionDeniedError); its wording is unconfirmed: no recorded answer was found.
        throw APIError(status: 403, type: "invalid_request_error", code: nil, param: "model",
                       message: "You do not have permission to delete the model '\(id)': it is owned by \(model.ownedBy), "
                           + "and only the organization that owns a fine-tuned model can delete it.")
    }
}
