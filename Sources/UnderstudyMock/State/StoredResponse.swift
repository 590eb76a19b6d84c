import UnderstudyContract

/// A response stored (`store: true`, the default), for retrieval, deletion, input-item listing
/// and `previous_response_id` chains.
struct StoredResponse: StoredRecord {
    static let kind = "response"
    var plan: ResponsePlan
    /// The request as sent: what `plan.request` was decoded from (a state outside the process
    /// keeps this, not the decoded request).
    var body: JSONValue
    /// The input items with their ids, oldest first.
    var inputItems: [JSONValue]
    /// The conversation so far, this reply included (instructions are not carried over, as
    /// the API documents).
    var conversation: [ChatMessage]
    /// Background work advances each time it is looked at: queued → in_progress → final.
    var polls = 0

    var id: String { plan.id }

    /// The request schemas of records read back (from memory or a shared state), compiled once
    /// each in a bounded cache (a chain reads its previous response on every turn).
    private static let schemas = InlineSchemas()

    /// Held as its encoding: parsed, a request with a thousand tools or a large schema costs 12
    /// to 32 times its text (issue 21), and its decoded request holds compiled schemas; the
    /// encoding costs its length, and reads decode it (schemas from the shared bounded cache).
    static let heldEncoded = true

    /// What the in-process state holds for it: its encoding.
    var bytes: Int { encoded().count + 64 }

    init(plan: ResponsePlan, body: JSONValue, inputItems: [JSONValue], conversation: [ChatMessage]) {
        self.plan = plan
        self.body = body
        self.inputItems = inputItems
        self.conversation = conversation
    }

    func encoded() -> [UInt8] {
        var planObject = JSONObject([
            ("id", .string(plan.id)), ("created_at", .int(plan.createdAt)), ("status", .string(plan.status)), ("model", .string(plan.model)),
            ("usage", RecordCoding.usage(plan.usage)), ("incomplete_reason", plan.incompleteReason.map(JSONValue.string) ?? .null),
        ])
        if let reasoning = plan.reasoning {
            planObject["reasoning"] = .object(["id": .string(reasoning.id), "summary": reasoning.summary.map(JSONValue.string) ?? .null,
                                               "encrypted": reasoning.encryptedContent.map(JSONValue.string) ?? .null])
        }
        if let message = plan.message {
            planObject["message"] = .object(JSONObject([
                ("id", .string(message.id)), ("text", .string(message.text)), ("pieces", RecordCoding.pieceLengths(message.pieces)),
                ("logprobs", message.logprobs.map { .int(Int64($0)) } ?? .null), ("logprob_seed", .string(String(message.logprobSeed))),
                ("annotations", .array(message.annotations)), ("commentary", .bool(message.commentary)),
            ]))
        }
        if let compaction = plan.compaction {
            planObject["compaction"] = .object(["id": .string(compaction.id), "encrypted": .string(compaction.encryptedContent)])
        }
        planObject["function_calls"] = .array(plan.functionCalls.map { call in
            .object(JSONObject([
                ("id", .string(call.id)), ("call_id", .string(call.callID)), ("name", .string(call.name)),
                ("arguments", .string(call.arguments)), ("pieces", RecordCoding.pieceLengths(call.pieces)),
                ("namespace", call.namespace.map(JSONValue.string) ?? .null),
            ]))
        })
        planObject["hosted"] = .array(plan.hostedCalls.map { .object(["kind": .string($0.kind.rawValue), "item": .object($0.item)]) })
        planObject["live"] = .object(JSONObject([
            ("top_p", .double(plan.live.topP)), ("prompt_cache_retention", .string(plan.live.promptCacheRetention)),
            ("reasoning_context", .string(plan.live.reasoningContext)), ("message_phase", .bool(plan.live.messagePhase)),
            ("additional_tools_as_functions", .bool(plan.live.additionalToolsAsFunctions)),
            ("reasoning_model", .bool(plan.reasoningModel)), ("flavor", .string(plan.flavor.rawValue)),
        ]))
        return JSONValue.object(JSONObject([
            ("plan", .object(planObject)), ("body", body), ("input_items", .array(inputItems)),
            ("conversation", .array(conversation.map(RecordCoding.message))), ("polls", .int(Int64(polls))),
        ])).jsonBytes
    }

    /// Decodes the request again from its body, as the server that stored it did.
    init?(encoded: [UInt8]) {
        guard let v = RecordCoding.parse(encoded), let p = v["plan"], let body = v["body"],
              let request = try? Responses.responsesInput(body, flavor: .openai, schemas: Self.schemas),
              let id = p["id"]?.stringValue, let createdAt = p["created_at"]?.integerValue, let status = p["status"]?.stringValue,
              let model = p["model"]?.stringValue, let usage = p["usage"].flatMap(RecordCoding.usage),
              let inputItems = v["input_items"]?.arrayValue, let conversation = v["conversation"]?.arrayValue?.compactMap(RecordCoding.message),
              let polls = RecordCoding.count(v["polls"]) else { return nil }
        var plan = ResponsePlan(id: id, createdAt: createdAt, status: status, model: model, request: request, usage: usage,
                                incompleteReason: p["incomplete_reason"]?.stringValue)
        if let r = p["reasoning"], let rid = r["id"]?.stringValue {
            plan.reasoning = ResponsePlan.Reasoning(id: rid, summary: r["summary"]?.stringValue, encryptedContent: r["encrypted"]?.stringValue)
        }
        if let m = p["message"], let mid = m["id"]?.stringValue, let text = m["text"]?.stringValue,
           let pieces = RecordCoding.pieces(of: text, lengths: m["pieces"]) {
            // At most 20 alternatives per token, as the request schema allows.
            let logprobs = RecordCoding.count(m["logprobs"], limit: 20)
            guard logprobs != nil || m["logprobs"]?.isNull != false else { return nil }
            plan.message = ResponsePlan.Message(id: mid, text: text, pieces: pieces, logprobs: logprobs,
                                                logprobSeed: m["logprob_seed"]?.stringValue.flatMap { UInt64($0) } ?? 0,
                                                annotations: m["annotations"]?.arrayValue ?? [],
                                                commentary: m["commentary"]?.boolValue ?? false)
        }
        if let c = p["compaction"], let cid = c["id"]?.stringValue, let encrypted = c["encrypted"]?.stringValue {
            plan.compaction = ResponsePlan.Compacted(id: cid, encryptedContent: encrypted)
        }
        for h in p["hosted"]?.arrayValue ?? [] {
            guard let kind = h["kind"]?.stringValue.flatMap(HostedCall.Kind.init(rawValue:)), let item = h["item"]?.objectValue else { return nil }
            plan.hostedCalls.append(HostedCall(kind: kind, item: item))
        }
        if let live = p["live"] {
            plan.live.topP = live["top_p"]?.doubleValue ?? 1
            plan.live.promptCacheRetention = live["prompt_cache_retention"]?.stringValue ?? "in_memory"
            plan.live.reasoningContext = live["reasoning_context"]?.stringValue ?? "current_turn"
            plan.live.messagePhase = live["message_phase"]?.boolValue ?? false
            plan.live.additionalToolsAsFunctions = live["additional_tools_as_functions"]?.boolValue ?? false
            plan.reasoningModel = live["reasoning_model"]?.boolValue ?? false
            plan.flavor = live["flavor"]?.stringValue.flatMap(Flavor.init(rawValue:)) ?? .openai
        }
        for c in p["function_calls"]?.arrayValue ?? [] {
            guard let cid = c["id"]?.stringValue, let callID = c["call_id"]?.stringValue, let name = c["name"]?.stringValue,
                  let arguments = c["arguments"]?.stringValue, let pieces = RecordCoding.pieces(of: arguments, lengths: c["pieces"]) else { return nil }
            plan.functionCalls.append(ResponsePlan.FunctionCall(id: cid, callID: callID, name: name, arguments: arguments, pieces: pieces,
                                                                namespace: c["namespace"]?.stringValue))
        }
        self.init(plan: plan, body: body, inputItems: inputItems, conversation: conversation)
        self.polls = polls
    }
}
