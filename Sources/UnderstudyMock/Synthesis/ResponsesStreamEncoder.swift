import UnderstudyContract

/// Writes a `ResponsePlan` as the Responses API's event stream: each `event: TYPE` +
/// `data: {json}` with an increasing `sequence_number`. Order as the live API sends it: created,
/// in_progress, the reasoning item (with its summary events), each hosted tool call with its
/// progress events, the message (content part, text deltas, citations), function calls, then
/// completed (or incomplete).
///
/// Deltas carry `obfuscation` padding (unless `stream_options.include_obfuscation` is false), as
/// every recorded live stream's text, summary, argument and code deltas do; the arguments' done
/// event has no `name` (no recording 2025-03 to 2026-08 has one, nor does openai-python 3.54).
public enum ResponsesStreamEncoder {
    public static func frames(_ plan: ResponsePlan) -> [[UInt8]] {
        var writer = Writer(plan: plan)
        writer.write()
        return writer.frames
    }

    private struct Writer {
        let plan: ResponsePlan
        var frames: [[UInt8]] = []
        var sequence = 0
        var outputIndex = 0
        var padding: SplitMix64

        init(plan: ResponsePlan) {
            self.plan = plan
            padding = SplitMix64(seed: StableHash.combine(StableHash.hash(plan.id), 0x0BF5))
        }

        mutating func event(_ type: String, _ body: (inout JSONWriter) -> Void) {
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.key("type"); w.string(type)
            body(&w)
            w.key("sequence_number"); w.int(sequence)
            w.endObject()
            var frame = Array("event: \(type)\ndata: ".utf8)
            frame.append(contentsOf: w.bytes)
            frame.append(contentsOf: [0x0A, 0x0A])
            frames.append(frame)
            sequence += 1
        }

        /// A delta event's padding, which hides the delta's length on the wire.
        mutating func obfuscation() -> String? {
            guard plan.request.includeObfuscation else { return nil }
            return padding.base62(padding.int(in: 1...15))
        }

        mutating func delta(_ type: String, location: (inout JSONWriter) -> Void, delta: Substring,
                            extra: (inout JSONWriter) -> Void = { _ in }) {
            let pad = obfuscation()
            event(type) { w in
                location(&w); w.key("delta"); w.string(String(delta)); extra(&w)
                if let pad { w.key("obfuscation"); w.string(pad) }
            }
        }

        mutating func write() {
            let plan = self.plan
            event("response.created") { w in w.key("response"); ResponsesEncoder.object(&w, plan, stage: .started, streamed: true) }
            event("response.in_progress") { w in w.key("response"); ResponsesEncoder.object(&w, plan, stage: .started, streamed: true) }
            if let reasoning = plan.reasoning { write(reasoning) }
            for call in plan.hostedCalls { write(call) }
            let itemStatus = plan.status == "incomplete" ? "incomplete" : "completed"
            if let message = plan.message { write(message, status: itemStatus) }
            for call in plan.functionCalls { write(call, status: itemStatus) }
            if let compaction = plan.compaction {
                // Added and done at once, as recorded (pydantic-ai, test_openai_responses_compact_stateful_mode_stream.yaml, 2026-04-16).
                let index = outputIndex
                outputIndex += 1
                for type in ["response.output_item.added", "response.output_item.done"] {
                    event(type) { w in w.key("output_index"); w.int(index); w.key("item"); ResponsesEncoder.compactionItem(&w, compaction) }
                }
            }
            let final = plan.status == "incomplete" ? "response.incomplete" : "response.completed"
            event(final) { w in w.key("response"); ResponsesEncoder.object(&w, plan, stage: .finished, streamed: true) }
            // OpenRouter ends its Responses streams as its chat streams (recorded 2025-11).
            if plan.flavor == .openrouter { frames.append(Array("data: [DONE]\n\n".utf8)) }
        }

        mutating func write(_ reasoning: ResponsePlan.Reasoning) {
            let index = outputIndex
            outputIndex += 1
            event("response.output_item.added") { w in
                w.key("output_index"); w.int(index); w.key("item"); ResponsesEncoder.reasoningItem(&w, reasoning, done: false)
            }
            if let summary = reasoning.summary {
                func location(_ w: inout JSONWriter) {
                    w.key("item_id"); w.string(reasoning.id); w.key("output_index"); w.int(index); w.key("summary_index"); w.int(0)
                }
                func part(_ w: inout JSONWriter, _ text: String) {
                    location(&w)
                    w.key("part"); w.beginObject(); w.key("type"); w.string("summary_text"); w.key("text"); w.string(text); w.endObject()
                }
                event("response.reasoning_summary_part.added") { w in part(&w, "") }
                for piece in TokenPieces.split(summary) {
                    delta("response.reasoning_summary_text.delta", location: location, delta: piece)
                }
                event("response.reasoning_summary_text.done") { w in location(&w); w.key("text"); w.string(summary) }
                event("response.reasoning_summary_part.done") { w in part(&w, summary) }
            }
            event("response.output_item.done") { w in
                w.key("output_index"); w.int(index); w.key("item"); ResponsesEncoder.reasoningItem(&w, reasoning)
            }
        }

        mutating func write(_ call: HostedCall) {
            let index = outputIndex
            outputIndex += 1
            func location(_ w: inout JSONWriter) { w.key("output_index"); w.int(index); w.key("item_id"); w.string(call.id) }
            event("response.output_item.added") { w in w.key("output_index"); w.int(index); w.key("item"); w.value(.object(call.started)) }
            for (type, members) in call.progressEvents {
                if type.hasSuffix("_code.delta") || type.hasSuffix("_arguments.delta"), let text = members.first?.1.stringValue {
                    delta(type, location: location, delta: Substring(text))
                    continue
                }
                event(type) { w in
                    location(&w)
                    for (key, value) in members { w.key(escaping: key); w.value(value) }
                }
            }
            event("response.output_item.done") { w in w.key("output_index"); w.int(index); w.key("item"); w.value(.object(call.item)) }
        }

        mutating func write(_ message: ResponsePlan.Message, status: String) {
            let index = outputIndex
            outputIndex += 1
            let phase = ResponsesEncoder.phase(plan, message)
            func location(_ w: inout JSONWriter) {
                w.key("content_index"); w.int(0); w.key("item_id"); w.string(message.id); w.key("output_index"); w.int(index)
            }
            event("response.output_item.added") { w in
                w.key("output_index"); w.int(index)
                w.key("item"); ResponsesEncoder.messageItem(&w, message, status: "in_progress", text: nil, phase: phase)
            }
            event("response.content_part.added") { w in location(&w); w.key("part"); ResponsesEncoder.outputText(&w, "") }
            for (i, piece) in message.pieces.enumerated() {
                delta("response.output_text.delta", location: location, delta: piece) { w in
                    w.key("logprobs"); ResponsesEncoder.logprobs(&w, message, pieces: i..<(i + 1))
                }
            }
            for (i, annotation) in message.annotations.enumerated() {
                event("response.output_text.annotation.added") { w in
                    w.key("annotation"); w.value(annotation); w.key("annotation_index"); w.int(i); location(&w)
                }
            }
            event("response.output_text.done") { w in
                location(&w); w.key("logprobs"); ResponsesEncoder.logprobs(&w, message, pieces: message.pieces.indices)
                w.key("text"); w.string(message.text)
            }
            // The live API's done part lists no log probabilities (the deltas and the done text carry them).
            var listed = message
            listed.logprobs = nil
            event("response.content_part.done") { w in location(&w); w.key("part"); ResponsesEncoder.outputText(&w, message.text, message: listed) }
            event("response.output_item.done") { w in
                w.key("output_index"); w.int(index)
                w.key("item"); ResponsesEncoder.messageItem(&w, message, status: status, text: message.text, phase: phase)
            }
        }

        mutating func write(_ call: ResponsePlan.FunctionCall, status: String) {
            let index = outputIndex
            outputIndex += 1
            func location(_ w: inout JSONWriter) { w.key("item_id"); w.string(call.id); w.key("output_index"); w.int(index) }
            event("response.output_item.added") { w in
                w.key("output_index"); w.int(index)
                w.key("item"); ResponsesEncoder.functionCallItem(&w, call, status: "in_progress", arguments: "")
            }
            for piece in call.pieces { delta("response.function_call_arguments.delta", location: location, delta: piece) }
            event("response.function_call_arguments.done") { w in location(&w); w.key("arguments"); w.string(call.arguments) }
            event("response.output_item.done") { w in
                w.key("output_index"); w.int(index)
                w.key("item"); ResponsesEncoder.functionCallItem(&w, call, status: status, arguments: call.arguments)
            }
        }
    }
}
