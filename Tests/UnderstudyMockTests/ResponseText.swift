import UnderstudyContract

extension JSONValue {
    /// A Response's text as the SDKs' `output_text` property gathers it from `output` (the live
    /// API sends no `output_text` member).
    var responseText: String? {
        guard let output = self["output"]?.arrayValue else { return nil }
        let parts = output.filter { $0["type"]?.stringValue == "message" }.flatMap { $0["content"]?.arrayValue ?? [] }
        let texts = parts.filter { $0["type"]?.stringValue == "output_text" }.compactMap { $0["text"]?.stringValue }
        return texts.isEmpty ? nil : texts.joined()
    }
}
