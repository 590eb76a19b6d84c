import UnderstudyContract

/// What the server clock says about a model: served, served with deprecation notices, or shut down.
enum ModelAvailability {
    /// Throws the provider's answer for a model past its shutdown date.
    static func check(_ model: ModelInfo, requested: String, now: Int64, flavor: Flavor, catalog: ModelCatalog) throws(APIError) {
        guard let deprecation = model.deprecation, now >= deprecation.shutdown else { return }
        let replacement = deprecation.replacement.flatMap { catalog.model(named: $0) }
        switch flavor {
        case .openrouter:
            var availability: JSONObject = [
                "code": .string("model_deprecated"),
                "retryable": .bool(false),
                "requested_models": .array([.string(model.id)]),
            ]
            if let replacement { availability["fallback_models"] = .array([.string(replacement.id)]) }
            availability["docs_url"] = .string("https://openrouter.ai/docs/api-reference/errors")
            var error = APIError(status: 404, type: "not_found_error", code: "model_deprecated", param: nil,
                                 message: "The model \(model.id) was deprecated on \(UTCDate.dayString(deprecation.shutdown))"
                                    + (replacement.map { "; use \($0.id) instead." } ?? "."))
            error.extra = ["availability": .object(availability)]
            throw error
        case .openai, .aimlapi:
            throw APIError(status: 404, type: "invalid_request_error", code: "model_not_found", param: nil,
                           message: "The model `\(requested)` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations")
        }
    }

    /// `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link` headers for a deprecated model
    /// that is still served; none for others.
    static func headers(_ model: ModelInfo, now: Int64, catalog: ModelCatalog) -> [(name: String, value: String)] {
        guard let deprecation = model.deprecation, now < deprecation.shutdown else { return [] }
        var links = [#"<https://platform.openai.com/docs/deprecations>; rel="deprecation""#]
        if let replacement = deprecation.replacement.flatMap({ catalog.model(named: $0) }) {
            links.append(#"</v1/models/\#(replacement.openAIID)>; rel="successor-version""#)
        }
        return [
            ("deprecation", "@\(deprecation.announced ?? model.created)"),
            ("sunset", UTCDate.httpDate(deprecation.shutdown)),
            ("link", links.joined(separator: ", ")),
        ]
    }
}
