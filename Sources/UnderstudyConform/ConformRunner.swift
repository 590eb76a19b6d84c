import UnderstudyContract

/// Runs the chosen checks against one target, in order, and hands each result over as it ends.
public struct ConformRunner: Sendable {
    public let client: ConformClient
    /// The schemas the checks use, and (`contract.exchanges`) the validator every answer goes through.
    public let contract: OpenAIContract
    public let options: ConformOptions
    private let inlineSchemas = InlineSchemas()

    public init(client: ConformClient, contract: OpenAIContract, options: ConformOptions) {
        self.client = client
        self.contract = contract
        self.options = options
    }

    /// The checks of `suites` (all, when nil).
    public static func checks(suites: Set<ConformCheck.Suite>?) -> [ConformCheck] {
        ConformCheck.all.filter { suites?.contains($0.suite) ?? true }
    }

    /// Runs `checks`; throws only when the target cannot be reached for the first check (nothing to
    /// judge). A later transport failure is that check's finding.
    public func run(_ checks: [ConformCheck], each: (ConformResult) -> Void = { _ in }) async throws(ConformClient.Unreachable) -> [ConformResult] {
        var results: [ConformResult] = []
        var reachedTarget = false
        for check in checks {
            var result = ConformResult(check: check.name, suite: check.suite, summary: check.summary, outcome: .passed, findings: [], requests: 0)
            if check.needsDeterminism && !options.deterministic {
                result.outcome = .skipped
                result.findings = ["the target does not claim determinism (pass --deterministic if it does)"]
            } else if check.needsStoredResponses && !options.flavor.storesResponses {
                result.outcome = .skipped
                result.findings = ["\(options.flavor.rawValue)'s Responses API is stateless: it stores nothing for previous_response_id"]
            } else if check.suite == .generated && contract.chatRequest == nil {
                result.outcome = .skipped
                result.findings = [GeneratedChecks.noSchema]
            } else {
                let context = ConformContext(client: client, contract: contract, options: options,
                                             check: check.name, inlineSchemas: inlineSchemas)
                do {
                    result.findings = try await check.run(context)
                    reachedTarget = true
                } catch {
                    if !reachedTarget { throw error }
                    result.findings = ["no answer: \(error)"]
                }
                result.requests = context.requestsSent
                result.outcome = result.findings.isEmpty ? .passed : .failed
            }
            each(result)
            results.append(result)
        }
        return results
    }
}
