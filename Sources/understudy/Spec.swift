import ArgumentParser

extension Understudy {
    struct Spec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work with OpenAPI documents.",
            subcommands: [Lint.self, Check.self, Diff.self]
        )
    }
}
