/// Sorts a response's diagnostics into findings (failing) and warnings: a finding on a field the
/// recording predates is drift (ContractDrift.swift), failing only under `--drift fail`; a stream
/// event whose type no document lists yet is a warning (the live API adds event types before the
/// documents do: `response.apply_patch_call_operation_diff.delta` in
/// fixtures/traffic/real/openai/responses/ai.jsonl, vercel/ai's openai-apply-patch-tool, 2025-11-26).
struct FindingSorter: Sendable {
    /// The day the exchange was recorded, when known.
    let day: String?
    let drift: ValidationOptions.Drift
    var findings: [String] = []
    var warnings: [String] = []

    init(day: String?, drift: ValidationOptions.Drift) {
        self.day = day
        self.drift = drift
    }

    static func text(_ d: Diagnostic, _ whereText: String) -> String {
        "\(whereText): \(d.instancePath.isEmpty ? "" : d.instancePath + ": ")\(d.message)"
    }

    mutating func sort(_ diagnostics: [Diagnostic], _ whereText: String, unknownTypeWarns: Bool = false) {
        for d in diagnostics {
            if unknownTypeWarns && d.instancePath == "/type" && d.keyword == "enum" {
                warnings.append("\(whereText): event type \(d.message.split(separator: " ").first ?? "") is in no document yet")
            } else if let addition = ContractDrift.predating(d, day: day) {
                let text = "drift: \(Self.text(d, whereText)) (the contract requires \(addition.property) since \(addition.since); "
                    + "this recording predates it: \(day ?? ""))"
                if drift == .fail { findings.append(text) } else { warnings.append(text) }
            } else {
                findings.append(Self.text(d, whereText))
            }
        }
    }

    /// The failing texts of `diagnostics`, keeping the warnings.
    mutating func take(_ diagnostics: [Diagnostic], _ whereText: String, unknownTypeWarns: Bool) -> [String] {
        let before = findings.count
        sort(diagnostics, whereText, unknownTypeWarns: unknownTypeWarns)
        let taken = Array(findings[before...])
        findings.removeSubrange(before...)
        return taken
    }
}
