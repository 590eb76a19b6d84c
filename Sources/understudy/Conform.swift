import ArgumentParser
import UnderstudyConform
import UnderstudyContract
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Understudy {
    struct Conform: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check any OpenAI-compatible server against the contract: named checks and generated cases.",
            discussion: """
                Suites: chat, responses, streaming, errors, tools, structured, generated (all by default). \
                Against a real provider: --base-url https://api.openai.com/v1 --api-key-env OPENAI_API_KEY \
                (it costs a few dozen small requests; --cases 0 leaves out the generated ones). \
                Exit status: 0 when every check passes, 1 on any failure, 2 when the target cannot be reached \
                or the arguments or spec are wrong.

                Examples:
                  understudy conform --base-url http://127.0.0.1:8080/v1 --deterministic
                  understudy conform --base-url https://api.openai.com/v1 \\
                    --api-key-env OPENAI_API_KEY --model gpt-4o-mini --cases 0
                  understudy conform --base-url http://127.0.0.1:8080/v1 --suite chat,errors \\
                    --format junit --output conform.xml
                """
        )

        @Option(name: .customLong("base-url"), help: "The target's base URL, as an SDK takes it (http://127.0.0.1:8080/v1).")
        var baseURL: String

        @Option(name: .customLong("api-key-env"), help: "The environment variable holding the API key (sent as a Bearer token).")
        var apiKeyEnv: String?

        @Option(help: "The model every request names.")
        var model = "gpt-4o"

        @Option(help: "Comma-separated suites to run. (values: chat, responses, streaming, errors, tools, structured, generated; default: all)")
        var suite: String?

        @Option(help: "Seed for the generated cases.")
        var seed: UInt64 = 0

        @Option(help: "Generated valid and invalid requests, each.")
        var cases = 20

        @Option(name: .customLong("shrink-budget"), help: "Requests spent shrinking one failing generated case.")
        var shrinkBudget = 60

        @Flag(help: "The target claims the same seed gives the same answer: check it.")
        var deterministic = false

        @Option(help: "An OpenAPI document instead of the embedded specs/openai.yaml.")
        var spec: String?

        @Option(help: "Whose contract the target keeps: openrouter's has its envelope and stateless Responses (aimlapi is read as aiml).")
        var flavor: ContractFlavor = .openai

        @Option(help: "The report's format.")
        var format: ValidationReport.Format = .text

        @Option(help: "Write the report here instead of standard output.")
        var output: String?

        @Option(help: "Seconds to wait for each answer.")
        var timeout: Int64 = 60

        func validate() throws {
            try EmptyPath.check(spec, flag: "--spec", takes: "an OpenAPI document")
            try EmptyPath.check(output, flag: "--output", takes: "a file to write")
        }

        func run() async throws {
            var suites: Set<ConformCheck.Suite>?
            if let suite {
                suites = []
                for name in suite.split(separator: ",").map({ String($0).trimmingWhitespace() }) {
                    guard let known = ConformCheck.Suite(rawValue: name) else {
                        printError("understudy: unknown suite '\(name)'; the suites are \(ConformCheck.Suite.allCases.map(\.rawValue).joined(separator: ", "))")
                        throw ExitCode(2)
                    }
                    suites?.insert(known)
                }
            }
            var apiKey: String?
            if let apiKeyEnv {
                guard let value = getenv(apiKeyEnv).map({ String(cString: $0) }), !value.isEmpty else {
                    printError("understudy: the environment variable \(apiKeyEnv) is not set")
                    throw ExitCode(2)
                }
                apiKey = value
            }
            let contract: OpenAIContract
            do {
                contract = try spec.map { try OpenAIContract.load(path: $0) } ?? OpenAIContract.embedded(flavor: flavor)
            } catch {
                printError("understudy: \(error)")
                throw ExitCode(2)
            }
            var out = try ReportOutput.open(output)
            let client = ConformClient(baseURL: baseURL, apiKey: apiKey, timeoutSeconds: timeout)
            let options = ConformOptions(model: model, seed: seed, generatedCases: max(0, cases), shrinkBudget: max(0, shrinkBudget),
                                         deterministic: deterministic, flavor: flavor)
            let runner = ConformRunner(client: client, contract: contract, options: options)
            let color = format == .text && output == nil && isatty(1) == 1
            let results: [ConformResult]
            do {
                results = try await runner.run(ConformRunner.checks(suites: suites)) { result in
                    if format == .text { out.write(ConformReport.text(result, color: color)) }
                }
            } catch {
                await client.shutdown()
                printError("understudy: cannot reach the target: \(error)")
                throw ExitCode(2)
            }
            await client.shutdown()
            switch format {
            case .text: out.write(ConformReport.summary(results))
            case .json: out.write(ConformReport.json(results, target: client.baseURL, model: model))
            case .junit: out.write(ConformReport.junit(results))
            }
            out.close()
            if results.contains(where: { $0.outcome == .failed }) { throw ExitCode(1) }
        }
    }
}
