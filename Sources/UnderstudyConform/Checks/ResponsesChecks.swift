import UnderstudyContract

/// The Responses API without streaming: one response, and a two-turn conversation.
enum ResponsesChecks {
    static let all: [ConformCheck] = [create, conversation]

    static let create = ConformCheck(
        name: "responses.create", suite: .responses,
        summary: "a response is schema-valid, completed, with an output message and usage that adds up"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/responses", context.body(#"""
            {"input": "Name three rivers.", "instructions": "Answer briefly."}
            """#))
        var findings = answer.expectSuccess()
        guard answer.isSuccess, let body = answer.json else { return findings }
        if body["object"]?.stringValue != "response" { findings.append("object is not \"response\"") }
        if body["status"]?.stringValue != "completed" { findings.append("status is \(body["status"]?.jsonString ?? "missing"), not \"completed\"") }
        let texts = (body["output"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "message" }
            .flatMap { $0["content"]?.arrayValue ?? [] }.compactMap { $0["text"]?.stringValue }
        if texts.joined().isEmpty { findings.append("no output message with text") }
        findings += usageFindings(body["usage"], input: "input_tokens", output: "output_tokens", where: "usage")
        return findings
    }

    static let conversation: ConformCheck = {
        var check = ConformCheck(
            name: "responses.conversation", suite: .responses,
            summary: "a second turn with previous_response_id is answered like the first", run: conversationTurns)
        check.needsStoredResponses = true
        return check
    }()

    @Sendable static func conversationTurns(_ context: ConformContext) async throws(ConformClient.Unreachable) -> [String] {
        let first = try await context.send("/responses", context.body(#"""
            {"input": "Remember the word 'lantern'.", "store": true}
            """#))
        var findings = first.expectSuccess()
        guard first.isSuccess, let id = first.json?["id"]?.stringValue else {
            return findings.isEmpty ? ["the first turn has no id"] : findings
        }
        var request = context.body(#"{"input": "Which word did I ask you to remember?"}"#).objectValue!
        request["previous_response_id"] = .string(id)
        let second = try await context.send("/responses", .object(request))
        findings += second.expectSuccess().map { "second turn: \($0)" }
        if second.isSuccess, second.json?["previous_response_id"]?.stringValue != id {
            findings.append("second turn: previous_response_id is not echoed as \(id)")
        }
        return findings
    }
}
