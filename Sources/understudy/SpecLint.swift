import ArgumentParser
import UnderstudyContract

extension Understudy.Spec {
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load and compile OpenAPI documents; print every problem as file:line:column.",
            discussion: "Exit status: 0 without errors, 1 with errors (warnings do not count), 2 if a file cannot be read or parsed."
        )

        @Argument(help: "OpenAPI documents (YAML or JSON).")
        var files: [String]

        @Flag(help: "Print errors only.")
        var quiet = false

        func run() throws {
            var failed = false
            for file in files {
                let report: SpecLintReport
                do {
                    report = try SpecLinter.lint(path: file)
                } catch {
                    printError("\(error)")
                    throw ExitCode(2)
                }
                for problem in report.problems where !quiet || problem.severity == .error {
                    writeLine(problem.description, to: 1)
                }
                writeLine("\(file): \(report.schemasCompiled) schemas compiled for \(report.operations) operations: "
                          + "\(report.errors) errors, \(report.warnings) warnings", to: 1)
                failed = failed || report.errors > 0
            }
            if failed { throw ExitCode(1) }
        }
    }
}
