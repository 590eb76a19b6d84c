/// Redaction after decoding (issue 21, item 12). A credential is looked for in what a body or a
/// stream frame means, not only in its bytes: JSON may write a key escaped (`\u0073\u006b-…`,
/// `\/`), and a short credential (a 6-character password, a cookie's session id) cannot be
/// replaced wherever its bytes occur without mangling ordinary text, but can wherever it is a
/// whole JSON string.
extension ExchangeWriter {
    /// What a body or frame is redacted of: long secrets (replaced wherever their bytes are, in
    /// every encoding) and short ones (replaced where they are a whole JSON string).
    struct Secrets {
        var long: [String]
        var short: Set<String>
    }

    /// JSON member names whose string values are credentials, in any body: exact names, and the
    /// endings that name one (`client_secret`, `refresh_token`, `db_password`). Narrower than the
    /// header rule: a body's `max_tokens` or `prompt_cache_key` is no credential.
    static let credentialMembers: Set<String> = [
        "api_key", "apikey", "x_api_key", "token", "access_token", "refresh_token", "id_token", "secret", "client_secret",
        "password", "passwd", "authorization", "session", "session_id", "sessionid", "cookie", "signature", "credential",
        "credentials", "private_key", "secret_key", "access_key", "secret_access_key", "session_token", "security_token",
    ]
    static let credentialMemberEndings = ["_secret", "_password", "_api_key", "_token", "_signature", "_credential"]

    static func isCredential(member name: String) -> Bool {
        let normal = String(name.lowercased().map { $0 == "-" ? "_" : $0 })
        return credentialMembers.contains(normal) || credentialMemberEndings.contains(where: normal.hasSuffix)
    }

    /// Every credential value inside a header value: the whole, a scheme's token (`Bearer X`),
    /// and each `name=value` parameter of a credential header that is one (a cookie's session,
    /// SigV4's `Credential=AKID/…` with its access key id and `Signature=…`).
    static func credentialParts(of value: String) -> [String] {
        var found = [value]
        let words = value.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 2 && !words[1].contains("=") { found.append(String(words[1])) }
        for part in value.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }) {
            guard let equals = part.firstIndex(of: "=") else { continue }
            var parameter = part[part.index(after: equals)...]
            if parameter.hasPrefix("\"") && parameter.hasSuffix("\"") && parameter.count >= 2 { parameter = parameter.dropFirst().dropLast() }
            let name = String(part[..<equals])
            // A parameter named like a credential (SigV4's Signature, a cookie's session or
            // PHPSESSID), or long enough to be one; not SigV4's `SignedHeaders=host;…`.
            guard !parameter.isEmpty,
                  isCredential(parameter: name, value: String(parameter)) || name.lowercased().hasSuffix("sid") || parameter.utf8.count >= 8 else { continue }
            found.append(String(parameter))
            if name.lowercased() == "credential", let slash = parameter.firstIndex(of: "/") {
                found.append(String(parameter[..<slash]))
            }
        }
        return found
    }

    /// `value` with every credential-named member's string, and every string that is a short
    /// secret, redacted.
    static func scrubbed(_ value: JSONValue, short: Set<String>) -> JSONValue {
        switch value {
        case .string(let s) where short.contains(s):
            return .string(redacted)
        case .object(let object):
            var members: [(String, JSONValue)] = []
            for (name, member) in object.members {
                if case .string = member, isCredential(member: name) {
                    members.append((name, .string(redacted)))
                } else {
                    members.append((name, scrubbed(member, short: short)))
                }
            }
            return .object(JSONObject(members))
        case .array(let items):
            return .array(items.map { scrubbed($0, short: short) })
        default:
            return value
        }
    }

    /// A stream's text with each `data:` frame that holds a credential (by a member's name, a
    /// short secret, or a long one once its escapes are decoded) rewritten as plain JSON, so
    /// that the byte replacement that follows finds it. Other frames stay byte for byte.
    static func decodedFrames(_ body: [UInt8], secrets: Secrets) -> [UInt8] {
        let long = secrets.long.map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var start = 0
        while start < body.count {
            let end = body[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? body.count
            out += rewrittenFrame(body[start..<end], secrets: secrets, long: long) ?? Array(body[start..<end])
            start = end
        }
        return out
    }

    /// The `data:` line rewritten, or nil when it stays as it is.
    private static func rewrittenFrame(_ line: ArraySlice<UInt8>, secrets: Secrets, long: [[UInt8]]) -> [UInt8]? {
        let prefix = Array("data:".utf8)
        guard line.starts(with: prefix) else { return nil }
        var payload = line.dropFirst(prefix.count)
        if payload.first == 0x20 { payload = payload.dropFirst() }
        var ending: [UInt8] = []
        while let last = payload.last, last == 0x0A || last == 0x0D {
            ending.insert(last, at: 0)
            payload = payload.dropLast()
        }
        // Only a frame with an escape or a member/short secret can hide a credential from the bytes.
        guard let value = try? JSONParser.parse(Array(payload)) else { return nil }
        let clean = scrubbed(value, short: secrets.short)
        let plain = clean.jsonBytes
        let hidden = payload.contains(UInt8(ascii: "\\")) && long.contains { contains(plain, $0) && !contains(Array(payload), $0) }
        guard clean != value || hidden else { return nil }
        return prefix + [0x20] + plain + ending
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
