import UnderstudyContract

/// Chat Completions without streaming: the answer's shape, its usage, and determinism by seed.
enum ChatChecks {
    static let all: [ConformCheck] = [completion, usage, determinism]

    static let completion = ConformCheck(
        name: "chat.completion", suite: .chat,
        summary: "a plain chat completion is schema-valid, with an assistant message and a finish_reason"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": [{"role": "system", "content": "You are terse."},
                          {"role": "user", "content": "Name three colours of the rainbow."}]}
            """#))
        var findings = answer.expectSuccess()
        guard answer.isSuccess, let body = answer.json else { return findings }
        if body["object"]?.stringValue != "chat.completion" { findings.append("object is not \"chat.completion\"") }
        let choices = body["choices"]?.arrayValue ?? []
        if choices.isEmpty { findings.append("no choices") }
        for (i, choice) in choices.enumerated() {
            if choice["index"]?.integerValue != Int64(i) { findings.append("choices[\(i)].index is not \(i)") }
            if choice["message"]?["role"]?.stringValue != "assistant" { findings.append("choices[\(i)].message.role is not assistant") }
            if (choice["message"]?["content"]?.stringValue ?? "").isEmpty { findings.append("choices[\(i)].message.content is empty") }
        }
        return findings
    }

    static let usage = ConformCheck(
        name: "chat.usage", suite: .chat,
        summary: "usage adds up (total = prompt + completion) and max_completion_tokens bounds the completion"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": [{"role": "user", "content": "Describe the water cycle in detail."}], "max_completion_tokens": 16}
            """#))
        var findings = answer.expectSuccess()
        guard answer.isSuccess, let body = answer.json else { return findings }
        findings += usageFindings(body["usage"], input: "prompt_tokens", output: "completion_tokens", where: "usage")
        if let completion = body["usage"]?["completion_tokens"]?.integerValue, completion > 16 {
            findings.append("usage.completion_tokens \(completion) exceeds max_completion_tokens 16")
        }
        return findings
    }

    static let determinism = ConformCheck(
        name: "chat.determinism", suite: .chat,
        summary: "the same request with the same seed gets the same answer (targets that claim determinism)",
        needsDeterminism: true
    ) { context throws(ConformClient.Unreachable) in
        let request = context.body(#"""
            {"messages": [{"role": "user", "content": "Write one sentence about lighthouses."}], "seed": 1234}
            """#)
        let first = try await context.send("/chat/completions", request)
        let second = try await context.send("/chat/completions", request)
        var findings = first.expectSuccess() + second.expectSuccess()
        guard first.isSuccess, second.isSuccess else { return findings }
        let a = first.json?["choices"]?.arrayValue?.first?["message"]?["content"]
        let b = second.json?["choices"]?.arrayValue?.first?["message"]?["content"]
        if a != b {
            findings.append("the same request with seed 1234 got two answers: \(a?.jsonString.prefix(80) ?? "none") / \(b?.jsonString.prefix(80) ?? "none")")
        }
        if first.json?["usage"] != second.json?["usage"] { findings.append("the same request with seed 1234 got two different usages") }
        return findings
    }
}
