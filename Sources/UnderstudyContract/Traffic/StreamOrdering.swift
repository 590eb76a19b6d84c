/// The ordering rules of the two stream kinds, beyond each event's own schema.
enum StreamOrdering {
    /// Legacy completions: every event a whole `text_completion` (no role deltas), one id
    /// throughout, `[DONE]` at the end.
    static func legacyCompletions(_ events: [SSEParser.Event], _ payloads: [JSONValue?]) -> [String] {
        guard let lastIndex = events.indices.last else { return ["the stream has no events"] }
        var findings: [String] = []
        if events[lastIndex].data != "[DONE]" { findings.append("the stream does not end with data: [DONE]") }
        let ids = Set(payloads.compactMap { $0?["id"]?.stringValue })
        if ids.count > 1 { findings.append("the events carry \(ids.count) different ids") }
        return findings
    }

    /// Chat Completions: data-only chunks; per choice the role delta first and one finish_reason;
    /// the usage chunk (`choices: []`) last — but for a `moderation` chunk, which the live API sends
    /// after it when the request asks for moderation (fixtures/traffic/real/openai/chat/pydantic-ai.jsonl,
    /// pydantic-ai's test_openai_moderation_stream, 2026-07-22); one id
    /// throughout; `[DONE]` at the end. With `usageRepeatsChoice` (OpenRouter) the usage chunk may
    /// repeat a choice that has finished.
    static func chat(_ events: [SSEParser.Event], _ payloads: [JSONValue?], usageRepeatsChoice: Bool = false) -> [String] {
        var findings: [String] = []
        guard let lastIndex = events.indices.last else { return ["the stream has no events"] }
        if events[lastIndex].data != "[DONE]" { findings.append("the stream does not end with data: [DONE]") }
        if let done = events.firstIndex(where: { $0.data == "[DONE]" }), done != lastIndex {
            findings.append("event \(done + 1) is [DONE] but \(lastIndex - done) event(s) follow it")
        }
        var id: JSONValue?
        var started: Set<Int64> = []
        var finished: Set<Int64> = []
        var usageAt: Int?
        var afterUsage = 0
        for (i, payload) in payloads.enumerated() {
            guard let chunk = payload, chunk["error"] == nil else { continue }
            let n = i + 1
            if usageAt != nil && chunk["moderation"] == nil { afterUsage += 1 }
            if let chunkID = chunk["id"] {
                if id == nil { id = chunkID } else if chunkID != id { findings.append("event \(n) has id \(FieldText.show(chunkID)), not \(FieldText.show(id!))") }
            }
            let choices = chunk["choices"]?.arrayValue ?? []
            let carriesUsage = chunk["usage"].map { !$0.isNull } ?? false
            if choices.isEmpty && carriesUsage { usageAt = n }
            if usageRepeatsChoice && carriesUsage {
                usageAt = n
                continue
            }
            for choice in choices {
                let index = choice["index"]?.integerValue ?? 0
                let delta = choice["delta"]
                if !started.contains(index) {
                    started.insert(index)
                    if delta?["role"] == nil { findings.append("event \(n): choice \(index) starts without a role delta") }
                }
                if finished.contains(index) {
                    findings.append("event \(n): choice \(index) continues after its finish_reason")
                }
                if let reason = choice["finish_reason"], !reason.isNull { finished.insert(index) }
            }
        }
        if let usageAt, afterUsage > 0 {
            findings.append("the usage chunk (event \(usageAt)) is followed by \(afterUsage) more chunk(s); it must come last, before [DONE]")
        }
        for index in started.sorted() where !finished.contains(index) {
            findings.append("choice \(index) never gets a finish_reason")
        }
        return findings
    }

    /// Responses: `event:` + `data:` frames; sequence_number increasing; response.created first and
    /// a terminal event last; one response id; deltas only after their output item was added, and
    /// no output index added twice. A `resumed` stream (`GET /responses/{id}?stream=true&starting_after=N`)
    /// starts after event N: neither response.created nor the items' added events need be in it.
    /// A last `data: [DONE]` is OpenRouter's (its recorded Responses stream, 2025-11) and ends the
    /// stream as the terminal event before it would.
    static func responses(_ events: [SSEParser.Event], _ allPayloads: [JSONValue?], resumed: Bool = false) -> [String] {
        let payloads = events.last?.data == "[DONE]" ? Array(allPayloads.dropLast()) : allPayloads
        var findings: [String] = []
        var lastSequence: Int64?
        var responseID: JSONValue?
        var added: Set<Int64> = []
        let terminal: Set<String> = ["response.completed", "response.failed", "response.incomplete", "error"]
        for (i, payload) in payloads.enumerated() {
            guard let event = payload else { continue }
            let n = i + 1
            let type = event["type"]?.stringValue ?? ""
            if let declared = events[i].type, declared != type {
                findings.append("event \(n): `event: \(declared)` but its data says type \(FieldText.show(.string(type)))")
            }
            if i == 0 && type != "response.created" && !resumed { findings.append("the first event is \(type), not response.created") }
            if let sequence = event["sequence_number"]?.integerValue {
                if let last = lastSequence, sequence <= last {
                    findings.append("event \(n): sequence_number \(sequence) does not increase (previous \(last))")
                }
                lastSequence = sequence
            }
            if let id = event["response"]?["id"] {
                if responseID == nil { responseID = id } else if id != responseID {
                    findings.append("event \(n): response id \(FieldText.show(id)), not \(FieldText.show(responseID!))")
                }
            }
            if let index = event["output_index"]?.integerValue {
                if type == "response.output_item.added" {
                    if added.contains(index) { findings.append("event \(n): output_index \(index) is added twice") }
                    added.insert(index)
                } else if !added.contains(index) && !resumed {
                    findings.append("event \(n): \(type) for output_index \(index) before its response.output_item.added")
                }
            }
            // The live API follows an `error` event with `response.failed` (issue 20's measurement
            // lists it; not yet in fixtures/traffic/real/).
            let failedFollows = type == "error" && payloads[(i + 1)...].allSatisfy { $0?["type"]?.stringValue == "response.failed" }
            if terminal.contains(type) && i != payloads.count - 1 && !failedFollows {
                findings.append("event \(n) is \(type) but \(payloads.count - 1 - i) event(s) follow it")
            }
        }
        if let last = payloads.last ?? nil, !terminal.contains(last["type"]?.stringValue ?? "") {
            findings.append("the stream ends with \(last["type"]?.stringValue ?? "an untyped event"), not response.completed, .failed or .incomplete")
        }
        return findings
    }
}
