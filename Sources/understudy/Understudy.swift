import ArgumentParser

/// The `understudy` command: one file per subcommand, each forwarding to the library.
@main
struct Understudy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "understudy",
        abstract: "A mock server and conformance kit for OpenAI-compatible LLM APIs.",
        discussion: """
            Examples:
              understudy                    # serve on 127.0.0.1:8080 (the default command)
              understudy serve --port 0 --clock 2025-07-01T00:00:00Z
              understudy validate recordings/*.jsonl
              understudy conform --base-url http://127.0.0.1:8080/v1
              understudy --generate-completion-script bash > understudy.bash
              understudy help validate

            Exit status: 0 success, 1 a failed check or a server that cannot listen, 2 a usage error or \
            unreadable input.
            """,
        version: "understudy \(BuildInfo.version) (\(BuildInfo.commit))",
        subcommands: [Serve.self, Spec.self, Validate.self, Conform.self, Proxy.self, Health.self],
        defaultSubcommand: Serve.self
    )

    /// ArgumentParser's own entry point, with three changes: `serve`'s options may also come from
    /// UNDERSTUDY_* variables (EnvironmentOptions); a word that names no command where a command
    /// belongs is said to be one (serve, the default, reported it as its own unexpected argument);
    /// a usage error exits 2, as docs/cli.md and every command's help say, not `EX_USAGE` (64).
    static func main() async {
        let given = Array(CommandLine.arguments.dropFirst())
        if let unknown = UnknownCommand(arguments: given, root: self) {
            printError(unknown.message)
            exit(withError: ExitCode(2))
        }
        do {
            var command = try await asyncParseAsRoot(EnvironmentOptions.arguments(given))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            printError(fullMessage(for: error))
            exit(withError: ExitCode(2))
        }
    }
}
