import UnderstudyContract

/// What a model itself refuses, decided from the catalog: the API it is not served on, and the
/// parameters it does not take (a reasoning model's sampling rules live in `ChatSynthesizer`).
enum ModelRules {
    static func check(_ model: ModelInfo, api: String, body: JSONValue) throws(APIError) {
        if model.endpoints == ["completions"] && api != "completions" || model.endpoints == ["embeddings"] && api != "embeddings"
            || !model.writesText && api != "embeddings" {
            // The live API's words for an embedding model on a completion endpoint, and for a
            // realtime model on /chat/completions (LibreChat #5326, BotSharp #959, anything-llm
            // #2551 quote the 404), as for every model that writes no text.
            throw APIError(status: 404, type: "invalid_request_error", code: nil, param: "model",
                           message: "This is not a chat model and thus not supported in the v1/\(api == "chat" ? "chat/completions" : api) endpoint. Did you mean to use v1/completions?")
        }
        if api == "embeddings" && !model.endpoints.contains(api) {
            // A 403, as the live API answers a chat model on /v1/embeddings (recorded by
            // simonw/llm's tests and New Relic's node agent fixtures).
            throw APIError(status: 403, type: "invalid_request_error", code: nil, param: nil,
                           message: "You are not allowed to generate embeddings from this model")
        }
        if api == "completions" && !model.endpoints.contains(api) {
            // The live API's words for a chat model on the legacy endpoint.
            throw APIError(status: 404, type: "invalid_request_error", code: nil, param: "model",
                           message: "This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?")
        }
        if !model.endpoints.contains(api) {
            // The live API's words for a Responses-only model on /chat/completions (o1-pro,
            // o3-pro, codex); a chat-only model on /responses gets the mirror sentence.
            let message = api == "chat"
                ? "This model is only supported in v1/responses and not in v1/chat/completions."
                : "This model is only supported in v1/chat/completions and not in v1/responses."
            throw APIError(status: 404, type: "invalid_request_error", code: "model_not_found", param: "model", message: message)
        }
        for name in model.unsupportedParameters {
            if let value = body[name], !value.isNull { throw .unsupportedParameter(name, instead: nil) }
        }
    }

    /// Says when an unknown id was served with another model's facts (`--models open`).
    static func headers(_ model: ModelInfo) -> [(name: String, value: String)] {
        guard let standIn = model.standInFor else { return [] }
        return [("x-understudy-model-stand-in", standIn)]
    }
}
