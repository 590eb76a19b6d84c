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
        let failures = results.filter { !$0.passed }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"understudy validate\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        for r in results {
            let name = escape("\(r.exchange) \(r.method) \(r.path)")
            out += "    <testcase classname=\"\(escape(r.operation ?? "unknown"))\" name=\"\(name)\""
            if r.passed {
                out += "/>\n"
            } else {
                out += ">\n      <failure message=\"\(escape(r.findings[0]))\">\(escape(r.findings.joined(separator: "\n")))</failure>\n    </testcase>\n"
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
