import UnderstudyContract

/// `metadata` as OpenAI checks it. The official document's Metadata schema says only
/// `additionalProperties: {type: string}`; its description sets the limits: "Set of 16 key-value
/// pairs… Keys are strings with a maximum length of 64 characters. Values are strings with a
/// maximum length of 512 characters." Every store keeps what passes, so these bound it.
extension FieldReader {
    static let metadataPairs = 16
    static let metadataKeyLength = 64
    static let metadataValueLength = 512

    /// The `metadata` member (nil when absent or null), checked.
    func metadata(_ key: String = "metadata") throws(APIError) -> JSONObject? {
        guard let object = try self.object(key)?.object else { return nil }
        let param = param(key)
        // Worded as the live API answers (seen in BerriAI/litellm#4257: a 17-key metadata).
        if object.count > Self.metadataPairs {
            throw .invalidRequest(
                "Invalid '\(param)': too many properties. Expected an object with at most \(Self.metadataPairs) properties, but got an object with \(object.count) properties instead.",
                param: param, code: "object_above_max_properties")
        }
        for (name, value) in object.members {
            // Characters as the API counts them (code points). The two length messages follow the
            // live API's wording for other strings ("Invalid 'messages[1].content': string too
            // long…", i-dot-ai/redbox#1094); their wording for metadata is unconfirmed.
            let keyLength = name.unicodeScalars.count
            if keyLength > Self.metadataKeyLength {
                throw .invalidRequest(
                    "Invalid '\(param)': key too long. Expected a key with maximum length \(Self.metadataKeyLength), but got a key with length \(keyLength) instead.",
                    param: param, code: "string_above_max_length")
            }
            let valueParam = "\(param).\(name)"
            guard let text = value.stringValue else { throw .invalidType(valueParam, expected: "a string", got: value) }
            let length = text.unicodeScalars.count
            if length > Self.metadataValueLength {
                throw .invalidRequest(
                    "Invalid '\(valueParam)': string too long. Expected a string with maximum length \(Self.metadataValueLength), but got a string with length \(length) instead.",
                    param: valueParam, code: "string_above_max_length")
            }
        }
        return object
    }
}
