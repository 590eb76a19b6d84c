import UnderstudyContract

/// One named check: a request (or a short conversation) and what its answer must satisfy.
/// `run` returns the findings; none means the target passed.
public struct ConformCheck: Sendable {
    public enum Suite: String, CaseIterable, Sendable {
        case chat, responses, streaming, errors, tools, structured, generated
    }

    public var name: String
    public var suite: Suite
    /// What it asks of the target, in one line.
    public var summary: String
    /// Runs only when the target claims determinism (`--deterministic`).
    public var needsDeterminism = false
    /// Runs only against a target that stores responses (not OpenRouter's stateless Responses API).
    public var needsStoredResponses = false
    var run: @Sendable (ConformContext) async throws(ConformClient.Unreachable) -> [String]

    /// Every check, in the order they run.
    public static let all: [ConformCheck] =
        ChatChecks.all + StreamingChecks.all + ResponsesChecks.all + ErrorChecks.all + ToolChecks.all
            + StructuredChecks.all + GeneratedChecks.all
}

/// How a check ended.
public struct ConformResult: Sendable {
    public enum Outcome: String, Sendable {
        case passed, failed, skipped
    }

    public var check: String
    public var suite: ConformCheck.Suite
    public var summary: String
    public var outcome: Outcome
    /// Why it failed (or, for a skip, why it did not run).
    public var findings: [String]
    /// Requests sent.
    public var requests: Int
}

/// What the checks are run with.
public struct ConformOptions: Sendable {
    /// The model every request names.
    public var model: String
    /// Seeds the generated cases.
    public var seed: UInt64
    /// Valid and invalid generated requests, each.
    public var generatedCases: Int
    /// The most requests spent shrinking one failing generated case.
    public var shrinkBudget: Int
    /// The target claims the same seed gives the same answer.
    public var deterministic: Bool
    /// Whose contract the target keeps (its envelope, its stream's usage chunk, stored responses).
    public var flavor: ContractFlavor

    public init(model: String = "gpt-4o", seed: UInt64 = 0, generatedCases: Int = 20, shrinkBudget: Int = 60,
                deterministic: Bool = false, flavor: ContractFlavor = .openai) {
        self.flavor = flavor
        self.model = model
        self.seed = seed
        self.generatedCases = generatedCases
        self.shrinkBudget = shrinkBudget
        self.deterministic = deterministic
    }
}
