/// `spec diff` results as text (ending `N changes, N breaking, N recordings broken`), JSON or JUnit XML.
public enum SpecDiffReport {
    public static func summary(_ diff: SpecDiff) -> String {
        "\(diff.changes.count) changes, \(diff.changes.filter(\.breaking).count) breaking, \(diff.brokenRecordings.count) recordings broken"
    }

    public static func text(_ diff: SpecDiff) -> String {
        var lines = diff.changes.map(\.line)
        for broken in diff.brokenRecordings {
            lines.append("BROKEN RECORDING \(broken.exchange) (\(broken.operation)): passes under OLD, fails under NEW")
            lines += broken.findings.map { "    " + $0 }
        }
        lines.append(summary(diff))
        return lines.joined(separator: "\n")
    }

    public static func json(_ diff: SpecDiff) -> String {
        var w = JSONWriter(capacity: 256 * max(1, diff.changes.count))
        w.beginObject()
        w.key("summary")
        w.beginObject()
        w.key("changes"); w.int(diff.changes.count)
        w.key("breaking"); w.int(diff.changes.filter(\.breaking).count)
        w.key("recordings_broken"); w.int(diff.brokenRecordings.count)
        w.endObject()
        w.key("changes")
        w.beginArray()
        for c in diff.changes {
            w.beginObject()
            w.key("operation"); w.string(c.operation)
            w.key("place"); w.string(c.place)
            w.key("instance_path"); w.string(c.instancePath)
            w.key("kind"); w.string(c.kind.rawValue)
            w.key("detail"); w.string(c.detail)
            w.key("pointer"); w.string(c.pointer)
            w.key("breaking"); w.bool(c.breaking)
            w.endObject()
        }
        w.endArray()
        w.key("recordings_broken")
        w.beginArray()
        for r in diff.brokenRecordings {
            w.beginObject()
            w.key("exchange"); w.string(r.exchange)
            w.key("operation"); w.string(r.operation)
            w.key("findings"); w.beginArray(); for f in r.findings { w.string(f) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// One testcase per change (failed when breaking) and per broken recording.
    public static func junit(_ diff: SpecDiff) -> String {
        let changes = diff.changes.map {
            ValidationReport.JUnitCase(classname: $0.operation, name: "\($0.place) \($0.instancePath) \($0.kind.rawValue) \($0.detail)",
                                       findings: $0.breaking ? [$0.line] : [])
        }
        let recordings = diff.brokenRecordings.map {
            ValidationReport.JUnitCase(classname: $0.operation, name: $0.exchange, findings: $0.findings)
        }
        return ValidationReport.junit(suite: "understudy spec diff", changes + recordings)
    }
}
