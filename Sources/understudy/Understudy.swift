import ArgumentParser

/// The `understudy` command: one file per subcommand, each forwarding to the library.
@main
struct Understudy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "understudy",
        abstract: "A mock server and conformance kit for OpenAI-compatible LLM APIs.",
        version: "understudy \(BuildInfo.version) (\(BuildInfo.commit))",
        subcommands: [Serve.self, Spec.self, Validate.self, Conform.self, Proxy.self, Health.self],
        defaultSubcommand: Serve.self
    )

    /// `serve`'s options may also come from UNDERSTUDY_* variables (EnvironmentOptions).
    static func main() async {
        await main(EnvironmentOptions.arguments(Array(CommandLine.arguments.dropFirst())))
    }
}
