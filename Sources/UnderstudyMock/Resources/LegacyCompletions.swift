import UnderstudyContract

/// POST /v1/completions, the legacy endpoint (gpt-3.5-turbo-instruct, davinci-002, babbage-002):
/// each prompt completed `n` times by the chat synthesizer, as `text_completion` objects, JSON or
/// streamed (every event the same shape, `finish_reason` null until a choice's last text; with
/// `include_usage`, `usage: null` on each and a last event of usage alone), as recorded by
/// vercel/ai (2026-02) and Arize-ai/openinference (2024-10) in fixtures/traffic/real.
struct LegacyCompletions: Resource {
    let engine: MockEngine

    static let routes: [RouteEntry] = [
        RouteEntry("POST", "completions", "createCompletion", .completions, completion: true,
                   schema: \OpenAIContract.completionResponse, events: \OpenAIContract.completionResponse) { e, c throws(APIError) in
            try LegacyCompletions(engine: e).create(c)
        },
    ]

    func create(_ context: RequestContext) throws(APIError) -> MockResponse {
        let flavor = context.flavor
        let (body, warnings, r) = try objectBody(context, against: \.completionRequest)
        guard let name = try r.string("model"), !name.isEmpty else { throw .missingParameter("model") }
        let prompts = try Self.prompts(r.value("prompt"))
        guard let model = catalog.serving(name, flavor: flavor) else { throw .modelNotFound(name) }
        try ModelRules.check(model, api: "completions", body: body)
        let now = now()
        try ModelAvailability.check(model, requested: name, now: now, flavor: flavor, catalog: catalog)
        let n = Int(try r.integer("n", min: 1, max: 128) ?? 1)
        // The legacy endpoint's default is 16 tokens (the published document's `max_tokens`).
        let maxTokens = Int(try r.integer("max_tokens", min: 0, max: Int64(model.maxOutputTokens)) ?? 16)
        let stop: [String] = try r.value("stop").map { (value) throws(APIError) -> [String] in
            if let one = value.stringValue { return [one] }
            return value.arrayValue?.compactMap(\.stringValue) ?? []
        } ?? []
        let stream = r.value("stream")?.boolValue ?? false
        let includeUsage = stream && r.value("stream_options")?["include_usage"]?.boolValue == true
        let echo = r.value("echo")?.boolValue ?? false

        let requestHash = body.canonicalHash
        let occurrence = try nextOccurrence(requestHash)
        var choices: [(text: String, pieces: [Substring], finishReason: String)] = []
        var usage = Usage(promptTokens: 0, completionTokens: 0)
        var id = ""
        for (i, prompt) in prompts.enumerated() {
            let chat = ChatRequest(
                model: name, messages: [ChatMessage(role: "user", name: nil, parts: [.text(prompt)], toolCallText: "", toolCallID: nil)],
                n: n, maxTokens: ("max_tokens", maxTokens), stop: stop, seed: nil, temperature: nil, topP: nil, stream: false,
                includeUsage: false, includeObfuscation: false, reasoningEffort: nil, serviceTier: nil, output: OutputSpec())
            let synthesis = ChatSynthesizer.Context(
                requestHash: StableHash.combine(requestHash, UInt64(i)), conversationHash: StableHash.hash(prompt),
                occurrence: occurrence, seed: configuration.seed, now: now, flavor: flavor)
            let plan = try engine.synthesizer.plan(chat, model: model, context: synthesis)
            if i == 0 { id = "cmpl-" + plan.id.dropFirst("chatcmpl-".count) }
            usage.promptTokens += plan.usage.promptTokens
            usage.completionTokens += plan.usage.completionTokens
            for choice in plan.choices {
                let text = choice.content ?? ""
                choices.append(((echo ? prompt : "") + text, (echo ? [Substring(prompt)] : []) + choice.pieces, choice.finishReason))
            }
        }
        let completion = Completion(id: id, created: now, model: model.snapshot, choices: choices, usage: usage)
        var headers: [(name: String, value: String)] = [
            ("content-type", stream ? "text/event-stream; charset=utf-8" : "application/json"),
            ("x-request-id", requestID(StableHash.combine(requestHash, configuration.seed, UInt64(occurrence)))),
            ("openai-processing-ms", String(ChatCompletions.processingMilliseconds(usage: usage))),
            ("openai-version", "2020-10-01"),
        ]
        headers += ModelAvailability.headers(model, now: now, catalog: catalog) + ModelRules.headers(model)
        var response = stream
            ? MockResponse(status: 200, headers: headers, body: .stream(StreamPlan(
                frames: completion.frames(includeUsage: includeUsage), intervalNanoseconds: configuration.streamIntervalNanoseconds)))
            : MockResponse(status: 200, headers: headers, body: .bytes(completion.json()))
        engine.applyTiming(&response, model: model, usage: usage, seed: requestHash)
        response.violations = warnings
        response.usage = usage
        response.model = model.id
        return response
    }

    /// `prompt`: a string, strings, a token array or token arrays (read as their numbers' text);
    /// absent or null is the document's default, `<|endoftext|>`.
    static func prompts(_ value: JSONValue?) throws(APIError) -> [String] {
        switch value {
        case nil, .null?: return ["<|endoftext|>"]
        case .string(let text)?: return [text]
        case .array(let list)?:
            if list.allSatisfy({ $0.integerValue != nil }) { return [list.compactMap(\.integerValue).map(String.init).joined(separator: " ")] }
            var prompts: [String] = []
            for (i, item) in list.enumerated() {
                if let text = item.stringValue {
                    prompts.append(text)
                } else if let tokens = item.arrayValue, tokens.allSatisfy({ $0.integerValue != nil }) {
                    prompts.append(tokens.compactMap(\.integerValue).map(String.init).joined(separator: " "))
                } else {
                    throw .invalidType("prompt[\(i)]", expected: "a string or an array of integers", got: item)
                }
            }
            return prompts.isEmpty ? ["<|endoftext|>"] : prompts
        case let other?:
            throw .invalidType("prompt", expected: "one of a string or an array", got: other)
        }
    }
}

/// A legacy completion as the live API writes it: JSON with `model` before `choices`; stream
/// events with `choices` first and `model` after, as recorded.
private struct Completion {
    let id: String
    let created: Int64
    let model: String
    let choices: [(text: String, pieces: [Substring], finishReason: String)]
    let usage: Usage

    func json() -> [UInt8] {
        var w = JSONWriter(capacity: 512 + choices.reduce(0) { $0 + $1.text.utf8.count })
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("object"); w.string("text_completion")
        w.key("created"); w.int(Int(created))
        w.key("model"); w.string(model)
        w.key("choices")
        w.beginArray()
        for (i, choice) in choices.enumerated() { writeChoice(&w, index: i, text: choice.text, finishReason: choice.finishReason) }
        w.endArray()
        w.key("usage"); writeUsage(&w)
        w.endObject()
        return w.bytes
    }

    func frames(includeUsage: Bool) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        for (i, choice) in choices.enumerated() {
            let pieces = choice.pieces.isEmpty ? [Substring("")] : choice.pieces
            for (p, piece) in pieces.enumerated() {
                var w = JSONWriter(capacity: 256)
                w.beginObject()
                w.key("id"); w.string(id)
                w.key("object"); w.string("text_completion")
                w.key("created"); w.int(Int(created))
                w.key("choices")
                w.beginArray()
                writeChoice(&w, index: i, text: String(piece), finishReason: p == pieces.count - 1 ? choice.finishReason : nil)
                w.endArray()
                w.key("model"); w.string(model)
                if includeUsage { w.key("usage"); w.null() }
                w.endObject()
                frames.append(Self.event(w.bytes))
            }
        }
        if includeUsage {
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.key("id"); w.string(id)
            w.key("object"); w.string("text_completion")
            w.key("created"); w.int(Int(created))
            w.key("model"); w.string(model)
            w.key("usage"); writeUsage(&w)
            w.key("choices"); w.beginArray(); w.endArray()
            w.endObject()
            frames.append(Self.event(w.bytes))
        }
        frames.append(Array("data: [DONE]\n\n".utf8))
        return frames
    }

    private func writeChoice(_ w: inout JSONWriter, index: Int, text: String, finishReason: String?) {
        w.beginObject()
        w.key("text"); w.string(text)
        w.key("index"); w.int(index)
        w.key("logprobs"); w.null()
        w.key("finish_reason"); w.string(finishReason)
        w.endObject()
    }

    private func writeUsage(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("prompt_tokens"); w.int(usage.promptTokens)
        w.key("completion_tokens"); w.int(usage.completionTokens)
        w.key("total_tokens"); w.int(usage.totalTokens)
        w.endObject()
    }

    private static func event(_ json: [UInt8]) -> [UInt8] { Array("data: ".utf8) + json + Array("\n\n".utf8) }
}
