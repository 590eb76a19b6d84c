import UnderstudyContract

extension Flavor {
    /// The error body in this flavour's envelope. OpenAI and AIML API: `{"error":{message, type,
    /// param, code}}`; OpenRouter: `{"error":{code: <status>, message, metadata}}`.
    public func errorBody(_ error: APIError) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("error")
        w.beginObject()
        switch self {
        case .openrouter:
            w.key("code"); w.int(error.status)
            w.key("message"); w.string(error.message)
            w.key("metadata")
            if let metadata = error.metadata {
                w.value(.object(metadata))
            } else {
                w.beginObject()
                w.key("error_type"); w.string(error.code ?? error.type)
                if let param = error.param { w.key("param"); w.string(param) }
                w.endObject()
            }
            for member in error.extra?.members ?? [] {
                w.key(escaping: member.key)
                w.value(member.value)
            }
        case .openai, .aimlapi:
            w.key("message"); w.string(error.message)
            w.key("type"); w.string(error.type)
            w.key("param"); w.string(error.param)
            w.key("code"); w.string(error.code)
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }
}
