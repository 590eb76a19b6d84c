/// Fields the contract requires that the live API began sending on a known day. A recording made
/// before that day lacks them because of its age, not a fault: such a finding is drift, labelled
/// so, and `validate --drift warn|fail` decides what it costs.
public enum ContractDrift {
    public struct Addition: Sendable {
        /// The object the property belongs to: the last segment of the finding's instance path.
        public var parent: String
        public var property: String
        /// The first day (UTC, `YYYY-MM-DD`) a recording can be expected to carry it.
        public var since: String
        public var evidence: String
    }

    public static let additions: [Addition] = [
        // `parent: ""`: a member of the stream event itself. The corpus brackets the day: its last
        // Responses streams without them are from 2025-03-27 (pydantic-ai, vercel/ai), its first
        // with them from 2025-09-11, every later one has them; the day is the month after the last without.
        Addition(parent: "", property: "sequence_number", since: "2025-04-01",
                 evidence: "every Responses event in fixtures/traffic/real/openai/responses/ from 2025-09-11 on has it; none of 2025-03 does"),
        Addition(parent: "", property: "logprobs", since: "2025-04-01",
                 evidence: "response.output_text.delta/done carry it in fixtures/traffic/real/openai/responses/ from 2025-09-11 on; not in 2025-03"),
        Addition(parent: "input_tokens_details", property: "cache_write_tokens", since: "2026-07-01",
                 evidence: "both documents and openai-python 2.45.0 (2026-07-09) require it; issue 20 measured that every "
                     + "Responses recording made before July 2026 lacks it (fixtures/traffic/real/openai/responses/)"),
    ]

    /// The addition a finding is about, when the recording (made on `day`) predates it.
    static func predating(_ diagnostic: Diagnostic, day: String?) -> Addition? {
        guard let day, diagnostic.keyword == "required", case .property(let name)? = diagnostic.expected else { return nil }
        let parent = diagnostic.instancePath.split(separator: "/").last.map(String.init) ?? ""
        return additions.first { $0.property == name && $0.parent == parent && day < $0.since }
    }
}
