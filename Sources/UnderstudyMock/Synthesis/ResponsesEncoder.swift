import UnderstudyContract

/// Writes a `ResponsePlan` as the Responses API's bytes: the `response` object (key order as the
/// live API sends it), or the stream of typed events, each `event: TYPE` + `data: {json}` with an
/// increasing `sequence_number`.
public enum ResponsesEncoder {
    public enum Stage { case started, finished }

    public static func json(_ plan: ResponsePlan) -> [UInt8] {
        var w = JSONWriter(capacity: 2048)
        object(&w, plan, stage: .finished)
        return w.bytes
    }

    /// The response object: at `.started` (in_progress, no output, no usage) or `.finished`.
    static func object(_ w: inout JSONWriter, _ plan: ResponsePlan, stage: Stage) {
        let finished = stage == .finished
        let status = finished ? plan.status : "in_progress"
        let request = plan.request
        w.beginObject()
        w.key("id"); w.string(plan.id)
        w.key("object"); w.string("response")
        w.key("created_at"); w.int(plan.createdAt)
        w.key("status"); w.string(status)
        w.key("background"); w.bool(request.background)
        w.key("completed_at"); if status == "completed" { w.int(plan.createdAt) } else { w.null() }
        if let conversation = request.conversationID {
            w.key("conversation"); w.beginObject(); w.key("id"); w.string(conversation); w.endObject()
        }
        w.key("error"); w.null()
        w.key("incomplete_details")
        if finished, let reason = plan.incompleteReason {
            w.beginObject(); w.key("reason"); w.string(reason); w.endObject()
        } else {
            w.null()
        }
        w.key("instructions"); w.string(request.instructions)
        w.key("max_output_tokens"); if let max = request.maxOutputTokens { w.int(max) } else { w.null() }
        w.key("max_tool_calls"); w.null()
        w.key("model"); w.string(plan.model)
        w.key("output")
        w.beginArray()
        if finished && (status == "completed" || status == "incomplete") {
            if let reasoning = plan.reasoning { reasoningItem(&w, reasoning) }
            if let message = plan.message { messageItem(&w, message, status: plan.status == "incomplete" ? "incomplete" : "completed", text: message.text) }
            for call in plan.functionCalls { functionCallItem(&w, call, status: plan.status == "incomplete" ? "incomplete" : "completed", arguments: call.arguments) }
        }
        w.endArray()
        w.key("parallel_tool_calls"); w.bool(request.parallelToolCalls)
        w.key("previous_response_id"); w.string(request.previousResponseID)
        w.key("reasoning")
        w.beginObject()
        w.key("effort"); w.string(request.reasoningEffort ?? (plan.reasoning != nil ? "medium" : nil))
        w.key("summary"); w.string(request.reasoningSummary)
        w.endObject()
        w.key("service_tier"); w.string(request.serviceTier == nil || request.serviceTier == "auto" ? "default" : request.serviceTier!)
        w.key("store"); w.bool(request.store)
        w.key("temperature"); w.double(request.temperature ?? 1)
        w.key("text")
        w.beginObject()
        w.key("format"); w.value(request.textFormat)
        w.key("verbosity"); w.string("medium")
        w.endObject()
        w.key("tool_choice"); w.value(request.toolChoice)
        w.key("tools"); w.value(.array(request.tools))
        w.key("top_p"); w.double(request.topP ?? 1)
        w.key("truncation"); w.string(request.truncation)
        w.key("usage")
        if finished && (status == "completed" || status == "incomplete") { usage(&w, plan.usage) } else { w.null() }
        w.key("user"); w.string(request.user)
        w.key("metadata"); w.value(.object(request.metadata))
        if finished && (status == "completed" || status == "incomplete") {
            w.key("output_text"); w.string(plan.message?.text ?? "")
        }
        w.endObject()
    }

    static func reasoningItem(_ w: inout JSONWriter, _ reasoning: ResponsePlan.Reasoning, done: Bool = true) {
        w.beginObject()
        w.key("id"); w.string(reasoning.id)
        w.key("type"); w.string("reasoning")
        w.key("summary")
        w.beginArray()
        if done, let summary = reasoning.summary {
            w.beginObject(); w.key("type"); w.string("summary_text"); w.key("text"); w.string(summary); w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func messageItem(_ w: inout JSONWriter, _ message: ResponsePlan.Message, status: String, text: String?) {
        w.beginObject()
        w.key("id"); w.string(message.id)
        w.key("type"); w.string("message")
        w.key("status"); w.string(status)
        w.key("content")
        w.beginArray()
        if let text { outputText(&w, text, message: message) }
        w.endArray()
        w.key("role"); w.string("assistant")
        w.endObject()
    }

    static func functionCallItem(_ w: inout JSONWriter, _ call: ResponsePlan.FunctionCall, status: String, arguments: String) {
        w.beginObject()
        w.key("id"); w.string(call.id)
        w.key("type"); w.string("function_call")
        w.key("status"); w.string(status)
        w.key("arguments"); w.string(arguments)
        w.key("call_id"); w.string(call.callID)
        w.key("name"); w.string(call.name)
        w.endObject()
    }

    /// An output_text part; with `message`, its tokens' log probabilities when they were asked for.
    static func outputText(_ w: inout JSONWriter, _ text: String, message: ResponsePlan.Message? = nil) {
        w.beginObject()
        w.key("type"); w.string("output_text")
        w.key("annotations"); w.beginArray(); w.endArray()
        w.key("logprobs"); logprobs(&w, message, pieces: message?.pieces.indices ?? 0..<0)
        w.key("text"); w.string(text)
        w.endObject()
    }

    /// The log probabilities of `message`'s tokens at `pieces` (an empty list when not asked for).
    static func logprobs(_ w: inout JSONWriter, _ message: ResponsePlan.Message?, pieces: Range<Int>) {
        w.beginArray()
        if let message, let top = message.logprobs {
            for i in pieces { TokenLogprobs.write(&w, token: message.pieces[i], position: i, top: top, seed: message.logprobSeed) }
        }
        w.endArray()
    }

    static func usage(_ w: inout JSONWriter, _ usage: Usage) {
        w.beginObject()
        w.key("input_tokens"); w.int(usage.promptTokens)
        w.key("input_tokens_details")
        w.beginObject()
        w.key("cached_tokens"); w.int(usage.cachedTokens)
        w.key("cache_write_tokens"); w.int(0)
        w.endObject()
        w.key("output_tokens"); w.int(usage.completionTokens)
        w.key("output_tokens_details")
        w.beginObject(); w.key("reasoning_tokens"); w.int(usage.reasoningTokens); w.endObject()
        w.key("total_tokens"); w.int(usage.totalTokens)
        w.endObject()
    }

    /// The event stream: created, in_progress, the reasoning item (with its summary events), the
    /// message item with its content part and text deltas, then completed (or incomplete).
    public static func streamFrames(_ plan: ResponsePlan) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var sequence = 0
        func event(_ type: StaticString, _ body: (inout JSONWriter) -> Void) {
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.key("type"); w.string(type.description)
            body(&w)
            w.key("sequence_number"); w.int(sequence)
            w.endObject()
            var frame = Array("event: \(type)\ndata: ".utf8)
            frame.append(contentsOf: w.bytes)
            frame.append(contentsOf: [0x0A, 0x0A])
            frames.append(frame)
            sequence += 1
        }
        event("response.created") { w in w.key("response"); object(&w, plan, stage: .started) }
        event("response.in_progress") { w in w.key("response"); object(&w, plan, stage: .started) }
        var outputIndex = 0
        if let reasoning = plan.reasoning {
            let index = outputIndex
            event("response.output_item.added") { w in
                w.key("output_index"); w.int(index); w.key("item"); reasoningItem(&w, reasoning, done: false)
            }
            if let summary = reasoning.summary {
                func partEvent(_ type: StaticString, _ text: String) {
                    event(type) { w in
                        w.key("item_id"); w.string(reasoning.id); w.key("output_index"); w.int(index); w.key("summary_index"); w.int(0)
                        w.key("part"); w.beginObject(); w.key("type"); w.string("summary_text"); w.key("text"); w.string(text); w.endObject()
                    }
                }
                partEvent("response.reasoning_summary_part.added", "")
                for piece in TokenPieces.split(summary) {
                    event("response.reasoning_summary_text.delta") { w in
                        w.key("item_id"); w.string(reasoning.id); w.key("output_index"); w.int(index); w.key("summary_index"); w.int(0)
                        w.key("delta"); w.string(String(piece))
                    }
                }
                event("response.reasoning_summary_text.done") { w in
                    w.key("item_id"); w.string(reasoning.id); w.key("output_index"); w.int(index); w.key("summary_index"); w.int(0)
                    w.key("text"); w.string(summary)
                }
                partEvent("response.reasoning_summary_part.done", summary)
            }
            event("response.output_item.done") { w in w.key("output_index"); w.int(index); w.key("item"); reasoningItem(&w, reasoning) }
            outputIndex += 1
        }
        if let message = plan.message {
            let index = outputIndex
            outputIndex += 1
            let itemStatus = plan.status == "incomplete" ? "incomplete" : "completed"
            func location(_ w: inout JSONWriter) {
                w.key("item_id"); w.string(message.id); w.key("output_index"); w.int(index); w.key("content_index"); w.int(0)
            }
            event("response.output_item.added") { w in
                w.key("output_index"); w.int(index); w.key("item"); messageItem(&w, message, status: "in_progress", text: nil)
            }
            event("response.content_part.added") { w in location(&w); w.key("part"); outputText(&w, "") }
            for (i, piece) in message.pieces.enumerated() {
                event("response.output_text.delta") { w in
                    location(&w); w.key("delta"); w.string(String(piece)); w.key("logprobs"); logprobs(&w, message, pieces: i..<(i + 1))
                }
            }
            event("response.output_text.done") { w in
                location(&w); w.key("text"); w.string(message.text); w.key("logprobs"); logprobs(&w, message, pieces: message.pieces.indices)
            }
            event("response.content_part.done") { w in location(&w); w.key("part"); outputText(&w, message.text, message: message) }
            event("response.output_item.done") { w in
                w.key("output_index"); w.int(index); w.key("item"); messageItem(&w, message, status: itemStatus, text: message.text)
            }
        }
        for call in plan.functionCalls {
            let index = outputIndex
            outputIndex += 1
            event("response.output_item.added") { w in
                w.key("output_index"); w.int(index); w.key("item"); functionCallItem(&w, call, status: "in_progress", arguments: "")
            }
            for piece in call.pieces {
                event("response.function_call_arguments.delta") { w in
                    w.key("item_id"); w.string(call.id); w.key("output_index"); w.int(index); w.key("delta"); w.string(String(piece))
                }
            }
            event("response.function_call_arguments.done") { w in
                w.key("item_id"); w.string(call.id); w.key("output_index"); w.int(index)
                w.key("name"); w.string(call.name); w.key("arguments"); w.string(call.arguments)
            }
            event("response.output_item.done") { w in
                w.key("output_index"); w.int(index)
                w.key("item"); functionCallItem(&w, call, status: plan.status == "incomplete" ? "incomplete" : "completed", arguments: call.arguments)
            }
        }
        if plan.status == "incomplete" {
            event("response.incomplete") { w in w.key("response"); object(&w, plan, stage: .finished) }
        } else {
            event("response.completed") { w in w.key("response"); object(&w, plan, stage: .finished) }
        }
        return frames
    }
}
