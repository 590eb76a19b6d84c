import ArgumentParser
import UnderstudyContract

extension Understudy.Spec {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate JSON values, one per line on standard input, against a schema of a spec.",
            discussion: """
                Prints one line per input line: `valid`, or `invalid` and the first finding. Without --schema, \
                each input line is {"schema": "#/components/schemas/X", "instance": …}.

                Examples:
                  echo '{"model":"x"}' | understudy spec check specs/openai.yaml \\
                    --schema '#/components/schemas/CreateChatCompletionRequest'
                  understudy spec check specs/openai.yaml < instances.jsonl

                Exit status: 0 every line valid, 1 any invalid, 2 an unreadable spec.
                """
        )

        @Argument(help: "The OpenAPI document.")
        var spec: String

        @Option(help: "A JSON pointer to the schema, e.g. '#/components/schemas/CreateChatCompletionRequest'.")
        var schema: String?

        @Flag(name: .customLong("no-formats"), help: "Treat `format` as an annotation, as JSON Schema does by default.")
        var noFormats = false

        func validate() throws {
            try EmptyPath.check(spec, flag: "The spec argument", takes: "an OpenAPI document")
        }

        func run() throws {
            let checker: InstanceChecker
            do {
                checker = try InstanceChecker(specPath: spec, checkFormats: !noFormats)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            var anyInvalid = false
            while let line = readLine(strippingNewline: true) {
                var bytes = Array(line.utf8)
                while let last = bytes.last, last == 0x0D { bytes.removeLast() }
                if bytes.isEmpty { continue }
                let verdict = checker.check(line: bytes, schema: schema)
                anyInvalid = anyInvalid || !verdict.hasPrefix("valid")
                writeLine(verdict, to: 1)
            }
            if anyInvalid { throw ExitCode(1) }
        }
    }
}
