import UnderstudyContract

/// Streams: every event schema-valid and in order (the validator's ordering rules), and the usage
/// chunk where the contract puts it.
enum StreamingChecks {
    static let all: [ConformCheck] = [chat, responses]

    static let chat = ConformCheck(
        name: "streaming.chat", suite: .streaming,
        summary: "a chat stream with include_usage: valid chunks in order, the usage chunk last before [DONE]"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": [{"role": "user", "content": "Tell me about owls."}], "stream": true,
             "stream_options": {"include_usage": true}}
            """#))
        var findings = answer.expectEventStream()
        guard answer.isSuccess, answer.isEventStream else { return findings }
        let chunks = answer.events
        // OpenRouter's usage chunk repeats choice 0's finish since 2026-07 (its recorded streams);
        // OpenAI's has no choices.
        let repeatsChoice = context.options.flavor == .openrouter
        guard let usageChunk = chunks.last(where: {
            (repeatsChoice || ($0["choices"]?.arrayValue ?? []).isEmpty) && $0["usage"].map { !$0.isNull } == true
        }) else {
            return findings + ["include_usage was set but no chunk carries usage" + (repeatsChoice ? "" : " with choices: []")]
        }
        findings += usageFindings(usageChunk["usage"], input: "prompt_tokens", output: "completion_tokens", where: "the usage chunk")
        let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
        if text.isEmpty { findings.append("the stream carries no content") }
        return findings
    }

    static let responses = ConformCheck(
        name: "streaming.responses", suite: .streaming,
        summary: "a Responses stream: valid events, increasing sequence numbers, response.completed last with usage"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/responses", context.body(#"""
            {"input": "Tell me about harbours.", "stream": true}
            """#))
        var findings = answer.expectEventStream()
        guard answer.isSuccess, answer.isEventStream else { return findings }
        guard let last = answer.events.last, last["type"]?.stringValue == "response.completed" else {
            return findings.isEmpty ? ["the stream does not end with response.completed"] : findings
        }
        findings += usageFindings(last["response"]?["usage"], input: "input_tokens", output: "output_tokens", where: "response.completed")
        return findings
    }
}
