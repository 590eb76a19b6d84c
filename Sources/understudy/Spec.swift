import ArgumentParser

extension Understudy {
    struct Spec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work with OpenAPI documents.",
            discussion: """
                Examples:
                  understudy spec lint specs/openai.yaml
                  understudy spec diff OLD.yaml NEW.yaml --traffic recordings/*.jsonl
                  echo '{"model":"x"}' | understudy spec check specs/openai.yaml \\
                    --schema '#/components/schemas/CreateChatCompletionRequest'
                """,
            subcommands: [Lint.self, Check.self, Diff.self]
        )
    }
}
