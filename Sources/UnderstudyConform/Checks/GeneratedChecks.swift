import UnderstudyContract

/// Property-based cases from the request schema: seeded valid and invalid chat requests, each checked
/// for the right class of answer; a failing case is shrunk to a minimal example before it is reported.
enum GeneratedChecks {
    static let all: [ConformCheck] = [valid, invalid]
    /// Failing cases shrunk per check (each shrink costs requests); the rest are reported as found.
    static let shrunkPerCheck = 3
    /// Why the generated checks are skipped under a document without the schema they draw from.
    static let noSchema = "the spec has no request schema for POST /chat/completions to generate cases from"

    static let valid = ConformCheck(
        name: "generated.valid", suite: .generated,
        summary: "seeded schema-valid requests get a 2xx that keeps the contract, or a 4xx envelope (a refusal) — never a 5xx"
    ) { context throws(ConformClient.Unreachable) in
        guard let schema = context.contract.chatRequest else { return [noSchema] }
        var generator = CaseGenerator(schema: schema, model: context.options.model, seed: context.options.seed)
        return try await run(context, next: { (generator.valid(), nil) }, isValid: generator.isValid) {
            (request, _) async throws(ConformClient.Unreachable) -> [String] in
            let answer = try await context.send("/chat/completions", request)
            if answer.status >= 500 || answer.status < 200 || (300..<400).contains(answer.status) {
                return ["a schema-valid request was answered \(answer.statusText)"]
            }
            return answer.contractFindings
        }
    }

    static let invalid = ConformCheck(
        name: "generated.invalid", suite: .generated,
        summary: "seeded requests that break the schema in one way each get a 4xx error envelope"
    ) { context throws(ConformClient.Unreachable) in
        guard let schema = context.contract.chatRequest else { return [noSchema] }
        var generator = CaseGenerator(schema: schema, model: context.options.model, seed: context.options.seed)
        return try await run(context, next: { generator.invalid() }, isValid: generator.isValid) {
            (request, mutation) async throws(ConformClient.Unreachable) -> [String] in
            try await context.send("/chat/completions", request, invalidOnPurpose: true)
                .expectClientError("a request that breaks the schema (\(mutation?.description ?? ""))")
        }
    }

    /// Sends `generatedCases` cases, each a valid base request and, for invalid cases, the mutation
    /// that breaks it. A failing case is shrunk: its base is made smaller while it stays valid, the
    /// mutation still breaks it, and the answer still fails.
    private static func run(
        _ context: ConformContext, next: () -> (JSONValue, CaseGenerator.Mutation?), isValid: (JSONValue) -> Bool,
        judge: (JSONValue, CaseGenerator.Mutation?) async throws(ConformClient.Unreachable) -> [String]
    ) async throws(ConformClient.Unreachable) -> [String] {
        let total = context.options.generatedCases
        var findings: [String] = []
        var shrunk = 0
        for i in 0..<total {
            let (base, mutation) = next()
            let request = { (base: JSONValue) in mutation.map { JSONValue.object($0.apply(base.objectValue ?? JSONObject())) } ?? base }
            let problems = try await judge(request(base), mutation)
            guard let first = problems.first else { continue }
            guard shrunk < shrunkPerCheck else {
                findings.append("case \(i + 1) of \(total): \(first); request \(request(base).jsonString)")
                continue
            }
            shrunk += 1
            let keeps = { (candidate: JSONValue) in
                isValid(candidate) && (mutation == nil || !isValid(request(candidate)))
            }
            let (small, tries) = try await Shrinker.shrink(base, budget: context.options.shrinkBudget, keeps: keeps) {
                (candidate: JSONValue) async throws(ConformClient.Unreachable) -> Bool in
                try await !judge(request(candidate), mutation).isEmpty
            }
            let smallProblem = small == base ? first : (try await judge(request(small), mutation)).first ?? first
            findings.append("case \(i + 1) of \(total): \(smallProblem); shrunk in \(tries) requests to \(request(small).jsonString)")
        }
        return findings
    }
}
