import UnderstudyContract

/// Who may call: API keys (when configured) and OpenRouter's bring-your-own-key requirement.
public struct Access: Sendable {
    /// A key as OpenAI's errors show one: its first three and last four characters (`sk-ab*****wxyz`).
    static func masked(_ key: String) -> String {
        key.count > 8 ? String(key.prefix(3)) + "*****" + String(key.suffix(4)) : "*****"
    }

    /// Known keys, each with whether the caller has set up BYOK for providers that require it.
    public var keys: [String: Bool]

    /// Parses `--api-keys`: keys separated by commas or new lines (a file's contents), each
    /// optionally marked `:byok`; `#` starts a comment.
    public init(list: String) {
        var keys: [String: Bool] = [:]
        for line in list.split(whereSeparator: { $0 == "\n" || $0 == "," }) {
            let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingWhitespace()
            guard !entry.isEmpty else { continue }
            if entry.hasSuffix(":byok") { keys[String(entry.dropLast(5))] = true } else { keys[entry] = false }
        }
        self.keys = keys
    }

    /// The flavour's 401 for a missing or unknown key, if the request has no known key.
    func check(_ request: MockRequest, flavor: Flavor) -> APIError? {
        guard let key = ScenarioRule.apiKey(of: request), !key.isEmpty else {
            return APIError(status: 401, type: "invalid_request_error", code: nil, param: nil,
                            message: flavor == .openrouter ? "No auth credentials found"
                                : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username.")
        }
        guard keys[key] != nil else {
            let shown = Self.masked(key)
            return APIError(status: 401, type: "invalid_request_error", code: "invalid_api_key", param: nil,
                            message: flavor == .openrouter ? "User not found."
                                : "Incorrect API key provided: \(shown). You can find your API key at https://platform.openai.com/account/api-keys.")
        }
        return nil
    }

    /// OpenRouter refuses a BYOK-only model unless the caller set up their own provider key.
    static func byok(_ model: ModelInfo, request: MockRequest, flavor: Flavor, access: Access?) -> APIError? {
        guard flavor == .openrouter, model.byokRequired else { return nil }
        if request.header("x-understudy-byok") != nil { return nil }
        if let key = ScenarioRule.apiKey(of: request), access?.keys[key] == true { return nil }
        var error = APIError(status: 403, type: "permission_error", code: "byok_required", param: nil,
                             message: "\(model.name.split(separator: ":").first.map(String.init) ?? "The provider") requires bringing your own API key to use \(model.name.split(separator: ":").last.map { $0.trimmingWhitespace() } ?? model.id) over the API. Set up here: https://openrouter.ai/settings/integrations")
        error.metadata = ["error_type": .string("byok_required"), "model_slug": .string(model.id)]
        return error
    }
}
