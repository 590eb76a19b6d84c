import ArgumentParser
import UnderstudyContract

extension Understudy.Spec {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a new version of the contract changes for clients, and which recordings it breaks.",
            discussion: """
                For the chat-completions and responses operations (or those named): properties added or \
                removed, required or not, types, enum values, stream event types, endpoints — each with its \
                JSON pointer and a breaking or non-breaking label. With --traffic, the recordings that pass \
                under OLD and fail under NEW, with the finding. \
                Exit status: 0 no breaking change, 1 breaking, 2 unreadable input.

                Examples:
                  understudy spec diff OLD.yaml NEW.yaml
                  understudy spec diff OLD.yaml NEW.yaml --format junit \\
                    --operations 'POST /chat/completions' --traffic recordings/*.jsonl
                """
        )

        @Argument(help: "The old OpenAPI document.")
        var old: String

        @Argument(help: "The new OpenAPI document.")
        var new: String

        @Option(parsing: .upToNextOption, help: "Operations to compare, e.g. 'POST /chat/completions' (default: every chat and responses operation).")
        var operations: [String] = []

        @Option(parsing: .upToNextOption, help: "Recordings (.jsonl or .har) to validate under both documents.")
        var traffic: [String] = []

        @Option(help: "The report's format.")
        var format: ValidationReport.Format = .text

        func validate() throws {
            try EmptyPath.check(old, flag: "OLD", takes: "an OpenAPI document")
            try EmptyPath.check(new, flag: "NEW", takes: "an OpenAPI document")
        }

        func run() throws {
            var diff: SpecDiff
            do {
                let (oldDocument, newDocument) = (try SpecDocument.load(path: old), try SpecDocument.load(path: new))
                diff = SpecDiff(old: oldDocument, new: newDocument, operations: operations)
                if !traffic.isEmpty {
                    try diff.checkTraffic(files: traffic, old: try ExchangeValidator(document: oldDocument),
                                          new: try ExchangeValidator(document: newDocument))
                }
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            var out = try ReportOutput.open(nil)
            switch format {
            case .text: out.write(SpecDiffReport.text(diff))
            case .json: out.write(SpecDiffReport.json(diff))
            case .junit: out.write(SpecDiffReport.junit(diff))
            }
            out.close()
            if diff.breaking { throw ExitCode(1) }
        }
    }
}
