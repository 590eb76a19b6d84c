import UnderstudyContract

/// Conformance results as text (ending `N passed, N failed, N skipped`), JSON or JUnit XML — the
/// formats `understudy validate` writes.
public enum ConformReport {
    public static func text(_ r: ConformResult, color: Bool) -> String {
        let mark = switch r.outcome {
        case .passed: color ? "\u{1B}[32mPASS\u{1B}[0m" : "PASS"
        case .failed: color ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL"
        case .skipped: color ? "\u{1B}[33mSKIP\u{1B}[0m" : "SKIP"
        }
        var out = "\(mark) \(r.check): \(r.summary)"
        for finding in r.findings { out += "\n    " + finding }
        return out
    }

    public static func summary(_ results: [ConformResult]) -> String {
        let count = { (o: ConformResult.Outcome) in results.filter { $0.outcome == o }.count }
        return "\(count(.passed)) passed, \(count(.failed)) failed, \(count(.skipped)) skipped"
    }

    public static func json(_ results: [ConformResult], target: String, model: String) -> String {
        var w = JSONWriter(capacity: 256 * max(1, results.count))
        w.beginObject()
        w.key("target"); w.string(target)
        w.key("model"); w.string(model)
        w.key("summary")
        w.beginObject()
        for outcome in [ConformResult.Outcome.passed, .failed, .skipped] {
            w.key(escaping: outcome.rawValue); w.int(results.filter { $0.outcome == outcome }.count)
        }
        w.endObject()
        w.key("checks")
        w.beginArray()
        for r in results {
            w.beginObject()
            w.key("check"); w.string(r.check)
            w.key("suite"); w.string(r.suite.rawValue)
            w.key("outcome"); w.string(r.outcome.rawValue)
            w.key("requests"); w.int(r.requests)
            w.key("findings"); w.beginArray(); for f in r.findings { w.string(f) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    public static func junit(_ results: [ConformResult]) -> String {
        ValidationReport.junit(suite: "understudy conform", results.map {
            .init(classname: $0.suite.rawValue, name: $0.check, findings: $0.findings,
                  skipped: $0.outcome == .skipped ? $0.findings.first ?? "skipped" : nil)
        })
    }
}
