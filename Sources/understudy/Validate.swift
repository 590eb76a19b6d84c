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
                --flavor openrouter judges OpenRouter traffic by OpenRouter's contract (specs/openrouter.yaml). \
                A finding on a field the contract added after the recording was made (its date header or \
                created) is labelled drift: a warning under --drift warn, a failure under --drift fail. \
                Exit status: 0 when every exchange passes, 1 on any violation, 2 on unreadable input or spec \
                (a file, or any line or entry that is not an exchange; JSONL lines up to 64 MiB).

                Examples:
                  understudy validate recordings/*.jsonl session.har
                  understudy validate --format junit --output report.xml recordings/*.jsonl
                  understudy validate --spec "$UNDERSTUDY_OPENAPI_DOCUMENT" recordings/*.jsonl
                  understudy validate --flavor openrouter recordings/openrouter/*.jsonl
                """
        )

        @Argument(help: "Recordings: .jsonl (one exchange a line) or .har files.")
        var paths: [String]

        @Option(help: "The OpenAPI document (default: the embedded specs/openai.yaml).")
        var spec: String?

        @Option(help: "Whose contract: the embedded one of that provider (aimlapi is read as aiml); --spec replaces it.")
        var flavor: ContractFlavor = .openai

        @Option(help: "Findings on a field the recording predates: warn reports them and passes, fail fails.")
        var drift: ValidationOptions.Drift = .warn

        @Option(name: .customLong("unknown-operations"), help: "Exchanges whose operation the contract lacks: fail, or skip (counted apart).")
        var unknownOperations: ValidationOptions.UnknownOperations = .fail

        @Option(help: "The report's format.")
        var format: ValidationReport.Format = .text

        @Option(help: "Write the report here instead of standard output.")
        var output: String?

        func validate() throws {
            try EmptyPath.check(spec, flag: "--spec", takes: "an OpenAPI document")
            try EmptyPath.check(output, flag: "--output", takes: "a file to write")
            if paths.contains("") { throw ValidationError("A recording's path is empty. Was it given a variable that is not set?") }
        }

        func run() throws {
            var options = flavor.validationOptions
            options.drift = drift
            options.unknownOperations = unknownOperations
            let validator = try loadValidator(spec: spec, flavor: flavor).with(options)
            var out = try ReportOutput.open(output)
            let color = format == .text && output == nil && isatty(1) == 1
            var results: [ExchangeValidator.Result] = []
            var counts = ValidationReport.Counts()
            var unreadable = 0
            do {
                try validator.validate(files: paths) { result in
                    counts.add(result)
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
            case .text:
                out.write(ValidationReport.summary(passed: counts.passed, failed: counts.failed, skipped: counts.skipped,
                                                   warnings: counts.warnings))
            case .json: out.write(ValidationReport.json(results))
            case .junit: out.write(ValidationReport.junit(results))
            }
            out.close()
            // An exchange that cannot be read is unreadable input, like a file that cannot be.
            if unreadable > 0 { throw ExitCode(2) }
            if counts.failed > 0 { throw ExitCode(1) }
        }
    }
}

extension ValidationReport.Format: ExpressibleByArgument {}
extension ValidationOptions.Drift: ExpressibleByArgument {}
extension ValidationOptions.UnknownOperations: ExpressibleByArgument {}

extension ContractFlavor: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(name: argument)
    }
}

/// The validator for `--spec` (any OpenAPI document; default: the flavour's embedded contract),
/// or exit 2 with the problem.
func loadValidator(spec: String?, flavor: ContractFlavor = .openai) throws -> ExchangeValidator {
    do {
        guard let spec else { return try OpenAIContract.embedded(flavor: flavor).exchanges }
        return try ExchangeValidator(document: LiveErrata.apply(to: SpecDocument.load(path: spec)))
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
