/// Renders validation results as text (ending `N passed, N failed`), JSON or JUnit XML.
public enum ValidationReport {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, junit
    }

    /// One exchange's lines in the text report.
    public static func text(_ r: ExchangeValidator.Result, color: Bool) -> String {
        let mark = r.passed ? (color ? "\u{1B}[32mPASS\u{1B}[0m" : "PASS") : (color ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL")
        var out = "\(mark) \(r.exchange) \(r.method) \(r.path) → \(r.status)\(r.operation.map { " (\($0))" } ?? "")"
        for finding in r.findings { out += "\n    " + finding }
        return out
    }

    public static func summary(passed: Int, failed: Int) -> String {
        "\(passed) passed, \(failed) failed"
    }

    public static func json(_ results: [ExchangeValidator.Result]) -> String {
        var w = JSONWriter(capacity: 256 * max(1, results.count))
        w.beginObject()
        w.key("summary")
        w.beginObject()
        w.key("passed"); w.int(results.filter(\.passed).count)
        w.key("failed"); w.int(results.filter { !$0.passed }.count)
        w.endObject()
        w.key("exchanges")
        w.beginArray()
        for r in results {
            w.beginObject()
            w.key("exchange"); w.string(r.exchange)
            w.key("method"); w.string(r.method)
            w.key("path"); w.string(r.path)
            w.key("status"); w.int(r.status)
            w.key("operation"); w.string(r.operation)
            w.key("passed"); w.bool(r.passed)
            w.key("findings"); w.beginArray(); for f in r.findings { w.string(f) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// JUnit XML: one testcase per exchange, a failure listing its findings.
    public static func junit(_ results: [ExchangeValidator.Result]) -> String {
        junit(suite: "understudy validate", results.map {
            JUnitCase(classname: $0.operation ?? "unknown", name: "\($0.exchange) \($0.method) \($0.path)", findings: $0.findings)
        })
    }

    /// One testcase: failed when it has findings; skipped ones say why in `skipped`.
    public struct JUnitCase: Sendable {
        public var classname: String
        public var name: String
        public var findings: [String]
        public var skipped: String?

        public init(classname: String, name: String, findings: [String], skipped: String? = nil) {
            self.classname = classname
            self.name = name
            self.findings = findings
            self.skipped = skipped
        }
    }

    public static func junit(suite: String, _ cases: [JUnitCase]) -> String {
        let failures = cases.filter { $0.skipped == nil && !$0.findings.isEmpty }.count
        let skipped = cases.filter { $0.skipped != nil }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        for c in cases {
            out += "    <testcase classname=\"\(escape(c.classname))\" name=\"\(escape(c.name))\""
            if let why = c.skipped {
                out += ">\n      <skipped message=\"\(escape(why))\"/>\n    </testcase>\n"
            } else if let first = c.findings.first {
                out += ">\n      <failure message=\"\(escape(first))\">\(escape(c.findings.joined(separator: "\n")))</failure>\n    </testcase>\n"
            } else {
                out += "/>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case _ where c.value < 0x20 && c != "\n" && c != "\t": out += "&#\(c.value);"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
