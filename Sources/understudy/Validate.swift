import ArgumentParser
import UnderstudyContract
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Understudy {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate recorded traffic (our JSONL exchanges or HAR 1.2) against the contract.",
            discussion: """
                Each exchange: its operation is found in the spec, the request and the response (by status) \
                are validated, SSE bodies are split into events, each validated and their order checked. \
                Exit status: 0 when every exchange passes, 1 on any violation, 2 on unreadable input or spec \
                (a file, or any line or entry that is not an exchange; JSONL lines up to 64 MiB).
                """
        )

        @Argument(help: "Recordings: .jsonl (one exchange a line) or .har files.")
        var paths: [String]

        @Option(help: "The OpenAPI document (default: the embedded specs/openai.yaml).")
        var spec: String?

        @Option(help: "text, json or junit.")
        var format: ValidationReport.Format = .text

        @Option(help: "Write the report here instead of standard output.")
        var output: String?

        func run() throws {
            let validator = try loadValidator(spec: spec)
            var out = try ReportOutput.open(output)
            let color = format == .text && output == nil && isatty(1) == 1
            var results: [ExchangeValidator.Result] = []
            var passed = 0
            var failed = 0
            var unreadable = 0
            do {
                try validator.validate(files: paths) { result in
                    if result.passed { passed += 1 } else { failed += 1 }
                    if result.unreadable { unreadable += 1 }
                    if format == .text {
                        out.write(ValidationReport.text(result, color: color))
                    } else {
                        results.append(result)
                    }
                }
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            switch format {
            case .text: out.write(ValidationReport.summary(passed: passed, failed: failed))
            case .json: out.write(ValidationReport.json(results))
            case .junit: out.write(ValidationReport.junit(results))
            }
            out.close()
            // An exchange that cannot be read is unreadable input, like a file that cannot be.
            if unreadable > 0 { throw ExitCode(2) }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}

extension ValidationReport.Format: ExpressibleByArgument {}

/// The validator for `--spec` (any OpenAPI document; default: the embedded specs/openai.yaml), or
/// exit 2 with the problem.
func loadValidator(spec: String?) throws -> ExchangeValidator {
    do {
        guard let spec else { return try OpenAIContract.embedded().exchanges }
        return try ExchangeValidator(document: SpecDocument.load(path: spec))
    } catch {
        printError("understudy: \(error)")
        throw ExitCode(2)
    }
}

/// Standard output, or a file.
struct ReportOutput {
    private var file: UnsafeMutablePointer<FILE>?
    private let fd: Int32

    init(path: String?) {
        if let path {
            file = fopen(path, "wb")
            fd = file.map { fileno($0) } ?? -1
        } else {
            file = nil
            fd = 1
        }
    }

    var isOpen: Bool { fd >= 0 }

    /// The output for `--output` (standard output when nil), or exit 2 if it cannot be written.
    static func open(_ path: String?) throws -> ReportOutput {
        let out = ReportOutput(path: path)
        guard out.isOpen else {
            printError("understudy: cannot write \(path ?? "")")
            throw ExitCode(2)
        }
        return out
    }

    mutating func write(_ line: String) { writeLine(line, to: fd) }

    mutating func close() {
        if let file { fclose(file) }
        file = nil
    }
}
