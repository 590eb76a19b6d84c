/// Renders validation results as text (ending `N passed, N failed`, then any skipped and
/// warnings), JSON or JUnit XML. Warnings (drift under `--drift warn`, event types no document
/// lists) never fail an exchange; skipped ones (`--unknown-operations skip`) are counted apart.
public enum ValidationReport {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, junit
    }

    /// One exchange's lines in the text report.
    public static func text(_ r: ExchangeValidator.Result, color: Bool) -> String {
        let mark = r.skipped ? (color ? "\u{1B}[33mSKIP\u{1B}[0m" : "SKIP")
            : r.passed ? (color ? "\u{1B}[32mPASS\u{1B}[0m" : "PASS") : (color ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL")
        var out = "\(mark) \(r.exchange) \(r.method) \(r.path) → \(r.status)\(r.operation.map { " (\($0))" } ?? "")"
        for finding in r.findings { out += "\n    " + finding }
        for warning in r.warnings { out += "\n    warning: " + warning }
        return out
    }

    public static func summary(passed: Int, failed: Int, skipped: Int = 0, warnings: Int = 0) -> String {
        "\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "") + (warnings > 0 ? ", \(warnings) warning(s)" : "")
    }

    /// The summary line for these results.
    public static func summary(_ results: [ExchangeValidator.Result]) -> String {
        let counts = Counts(results)
        return summary(passed: counts.passed, failed: counts.failed, skipped: counts.skipped, warnings: counts.warnings)
    }

    /// Passed excludes skipped exchanges; warnings are counted one a line.
    public struct Counts: Sendable {
        public var passed = 0
        public var failed = 0
        public var skipped = 0
        public var warnings = 0

        public init() {}

        public init(_ results: [ExchangeValidator.Result]) {
            for r in results { add(r) }
        }

        public mutating func add(_ r: ExchangeValidator.Result) {
            // A skipped exchange's one line says why it was skipped: not a warning of its own.
            if r.skipped { skipped += 1 } else if r.passed { passed += 1 } else { failed += 1 }
            if !r.skipped { warnings += r.warnings.count }
        }
    }

    public static func json(_ results: [ExchangeValidator.Result]) -> String {
        var w = JSONWriter(capacity: 256 * max(1, results.count))
        w.beginObject()
        w.key("summary")
        w.beginObject()
        let counts = Counts(results)
        w.key("passed"); w.int(counts.passed)
        w.key("failed"); w.int(counts.failed)
        w.key("skipped"); w.int(counts.skipped)
        w.key("warnings"); w.int(counts.warnings)
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
            w.key("skipped"); w.bool(r.skipped)
            w.key("findings"); w.beginArray(); for f in r.findings { w.string(f) }; w.endArray()
            w.key("warnings"); w.beginArray(); for f in r.warnings { w.string(f) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// JUnit XML: one testcase per exchange, a failure listing its findings.
    public static func junit(_ results: [ExchangeValidator.Result]) -> String {
        junit(suite: "understudy validate", results.map {
            JUnitCase(classname: $0.operation ?? "unknown", name: "\($0.exchange) \($0.method) \($0.path)", findings: $0.findings,
                      skipped: $0.skipped ? $0.warnings.first : nil, warnings: $0.skipped ? [] : $0.warnings)
        })
    }

    /// One testcase: failed when it has findings; skipped ones say why in `skipped`.
    public struct JUnitCase: Sendable {
        public var classname: String
        public var name: String
        public var findings: [String]
        public var skipped: String?
        /// Reported in the case's `system-out`, never a failure.
        public var warnings: [String]

        public init(classname: String, name: String, findings: [String], skipped: String? = nil, warnings: [String] = []) {
            self.classname = classname
            self.name = name
            self.findings = findings
            self.skipped = skipped
            self.warnings = warnings
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
            } else if !c.findings.isEmpty || !c.warnings.isEmpty {
                out += ">\n"
                if let first = c.findings.first {
                    out += "      <failure message=\"\(escape(first))\">\(escape(c.findings.joined(separator: "\n")))</failure>\n"
                }
                if !c.warnings.isEmpty {
                    out += "      <system-out>\(escape(c.warnings.map { "warning: " + $0 }.joined(separator: "\n")))</system-out>\n"
                }
                out += "    </testcase>\n"
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
