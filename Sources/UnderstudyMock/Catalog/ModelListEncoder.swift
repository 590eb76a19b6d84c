import UnderstudyContract

/// `GET /models` in each provider's shape: OpenAI's `{object: "list", data: [Model]}` with bare ids,
/// or OpenRouter's `{data: [...]}` with context length, pricing and architecture.
public enum ModelListEncoder {
    public static func list(_ models: [ModelInfo], flavor: Flavor) -> [UInt8] {
        var w = JSONWriter(capacity: 1024 * models.count)
        w.beginObject()
        if flavor != .openrouter { w.key("object"); w.string("list") }
        w.key("data")
        w.beginArray()
        for model in models {
            guard flavor != .openrouter else { write(model, flavor: flavor, into: &w); continue }
            // OpenAI lists each dated snapshot as a model of its own (`gpt-4o-2024-08-06` beside
            // `gpt-4o`, `gpt-3.5-turbo-0613` beside `gpt-3.5-turbo`: GET /v1/models as recorded in 2024-03).
            for id in model.openAIIDs { write(model, flavor: flavor, id: id, into: &w) }
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// One model; `named` is the id asked for, which OpenAI's answer repeats when it is one of the
    /// model's own (`GET /v1/models/gpt-4o-2024-08-06` answers `"id": "gpt-4o-2024-08-06"`).
    public static func single(_ model: ModelInfo, flavor: Flavor, named: String? = nil) -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        if flavor == .openrouter {
            w.beginObject()
            w.key("data")
            write(model, flavor: flavor, into: &w)
            w.endObject()
        } else {
            let id = named.flatMap { model.openAIIDs.contains($0) ? $0 : nil } ?? model.openAIID
            write(model, flavor: flavor, id: id, into: &w)
        }
        return w.bytes
    }

    static func write(_ model: ModelInfo, flavor: Flavor, id: String? = nil, into w: inout JSONWriter) {
        w.beginObject()
        guard flavor == .openrouter else {
            w.key("id"); w.string(id ?? model.openAIID)
            w.key("object"); w.string("model")
            w.key("created"); w.int(model.created)
            w.key("owned_by"); w.string(model.ownedBy)
            w.key("shutdown_date"); w.string(model.deprecation.map { UTCDate.dayString($0.shutdown) })
            w.endObject()
            return
        }
        w.key("id"); w.string(model.id)
        w.key("canonical_slug"); w.string(model.id)
        w.key("name"); w.string(model.name)
        w.key("created"); w.int(model.created)
        w.key("description"); w.string(model.description)
        w.key("context_length"); w.int(model.contextLength)
        w.key("architecture")
        w.beginObject()
        w.key("modality"); w.string(model.inputModalities.joined(separator: "+") + "->text")
        w.key("input_modalities"); w.beginArray(); for m in model.inputModalities { w.string(m) }; w.endArray()
        w.key("output_modalities"); w.beginArray(); w.string("text"); w.endArray()
        w.key("tokenizer"); w.string("GPT")
        w.key("instruct_type"); w.null()
        w.endObject()
        // OpenRouter quotes prices in dollars per token (per image for `image`), as decimal strings.
        let p = model.pricing
        w.key("pricing")
        w.beginObject()
        w.key("prompt"); w.string(dollars(perMillion: p.input))
        w.key("completion"); w.string(dollars(perMillion: p.output))
        w.key("request"); w.string("0")
        w.key("image"); w.string(dollars(p.imagePerThousand ?? 0, scale: 3))
        w.key("web_search"); w.string("0")
        w.key("internal_reasoning"); w.string("0")
        if let read = p.cacheRead { w.key("input_cache_read"); w.string(dollars(perMillion: read)) }
        if let write = p.cacheWrite { w.key("input_cache_write"); w.string(dollars(perMillion: write)) }
        w.endObject()
        w.key("top_provider")
        w.beginObject()
        w.key("context_length"); w.int(model.contextLength)
        w.key("max_completion_tokens"); w.int(model.maxOutputTokens)
        w.key("is_moderated"); w.bool(true)
        w.endObject()
        w.key("per_request_limits"); w.null()
        w.key("supported_parameters")
        w.beginArray()
        let parameters = model.reasoning
            ? ["max_tokens", "reasoning", "include_reasoning", "seed", "stop", "response_format", "structured_outputs", "tools", "tool_choice"]
            : ["max_tokens", "temperature", "top_p", "stop", "frequency_penalty", "presence_penalty", "seed", "logit_bias",
               "logprobs", "top_logprobs", "response_format", "structured_outputs", "tools", "tool_choice"]
        for parameter in parameters { w.string(parameter) }
        w.endArray()
        if let deprecation = model.deprecation {
            w.key("expiration_date"); w.string(UTCDate.dayString(deprecation.shutdown))
        }
        w.endObject()
    }

    static func dollars(perMillion value: Double) -> String { dollars(value, scale: 6) }

    /// `value / 10^scale` as a plain decimal string ("0.0000025"), exact to a millionth of `value`.
    static func dollars(_ value: Double, scale: Int) -> String {
        var micros = Int((value * 1_000_000).rounded())
        guard micros != 0 else { return "0" }
        var decimals = scale + 6
        while decimals > 0 && micros % 10 == 0 {
            micros /= 10
            decimals -= 1
        }
        var digits = String(micros)
        if decimals == 0 { return digits }
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        return "\(digits[..<split]).\(digits[split...])"
    }
}
