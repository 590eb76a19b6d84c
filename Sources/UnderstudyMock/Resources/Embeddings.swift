import UnderstudyContract

/// POST /v1/embeddings: one vector per input, deterministic in the text, the model and `--seed`
/// (`EmbeddingSynthesizer`), as floats or base64; usage counts the input's tokens.
struct Embeddings: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("POST", "embeddings", "createEmbedding", .embeddings, schema: \OpenAIContract.embeddingResponse) { e, c throws(APIError) in
            try Embeddings(engine: e).create(c)
        },
    ]

    func create(_ context: RequestContext) throws(APIError) -> MockResponse {
        let flavor = context.flavor
        let (body, warnings, r) = try objectBody(context, against: \.embeddingRequest)
        guard let name = try r.string("model"), !name.isEmpty else { throw .missingParameter("model") }
        guard let model = catalog.serving(name, flavor: flavor) else { throw .modelNotFound(name) }
        try ModelRules.check(model, api: "embeddings", body: body)
        try ModelAvailability.check(model, requested: name, now: now(), flavor: flavor, catalog: catalog)
        let full = model.embeddingDimensions ?? 1536
        var dimensions = full
        if let asked = try r.integer("dimensions", min: 1, max: Int64(full)) {
            // Only the text-embedding-3 models shorten their vectors (OpenAI's embeddings guide).
            guard model.openAIID.hasPrefix("text-embedding-3") else {
                throw .invalidRequest("This model does not support specifying dimensions.", param: "dimensions", code: nil)
            }
            dimensions = Int(asked)
        }
        let base64 = try r.oneOf("encoding_format", ["float", "base64"]) == "base64"
        let inputs = try Self.embeddingInputs(r.value("input"))
        let synthesizer = EmbeddingSynthesizer(model: model.id, seed: configuration.seed, dimensions: dimensions)
        var tokens = 0
        var w = JSONWriter(capacity: 64 + inputs.count * dimensions * 12)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data")
        w.beginArray()
        for (index, input) in inputs.enumerated() {
            let vector: [Float]
            switch input {
            case .text(let text):
                tokens += TokenPieces.count(text)
                vector = synthesizer.vector(for: text)
            case .tokens(let list):
                tokens += list.count
                vector = synthesizer.vector(forTokens: list)
            }
            w.beginObject()
            w.key("object"); w.string("embedding")
            w.key("index"); w.int(index)
            w.key("embedding"); EmbeddingSynthesizer.write(vector, base64: base64, to: &w)
            w.endObject()
        }
        w.endArray()
        w.key("model"); w.string(model.openAIID)
        w.key("usage")
        w.beginObject(); w.key("prompt_tokens"); w.int(tokens); w.key("total_tokens"); w.int(tokens); w.endObject()
        w.endObject()
        var response = json(200, w.bytes)
        response.headers += [("openai-model", model.openAIID), ("x-request-id", requestID(body.canonicalHash))]
        response.violations = warnings
        response.usage = Usage(promptTokens: tokens, completionTokens: 0)
        response.model = model.id
        return response
    }

    enum EmbeddingInput {
        case text(String)
        case tokens([Int64])
    }

    /// `input`: a string, strings, a token array or token arrays; an empty string is the live
    /// API's 400.
    static func embeddingInputs(_ value: JSONValue?) throws(APIError) -> [EmbeddingInput] {
        func text(_ v: JSONValue, _ param: String) throws(APIError) -> EmbeddingInput {
            guard let s = v.stringValue else { throw .invalidType(param, expected: "a string", got: v) }
            guard !s.isEmpty else { throw .invalidRequest("'\(param)' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", param: param, code: nil) }
            return .text(s)
        }
        switch value {
        case nil: throw .missingParameter("input")
        case .string?: return [try text(value!, "input")]
        case .array(let list)?:
            guard !list.isEmpty else { throw .invalidRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", param: "input", code: nil) }
            if list.allSatisfy({ $0.integerValue != nil }) { return [.tokens(list.compactMap(\.integerValue))] }
            var inputs: [EmbeddingInput] = []
            for (i, item) in list.enumerated() {
                if let tokens = item.arrayValue, tokens.allSatisfy({ $0.integerValue != nil }), !tokens.isEmpty {
                    inputs.append(.tokens(tokens.compactMap(\.integerValue)))
                } else {
                    inputs.append(try text(item, "input[\(i)]"))
                }
            }
            return inputs
        case let other?:
            throw .invalidType("input", expected: "one of a string or an array", got: other)
        }
    }
}
