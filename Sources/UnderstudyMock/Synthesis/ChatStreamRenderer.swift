import UnderstudyContract

/// A chat completion's stream, rendered one frame at a time as the server sends it: the stream is
/// kept as its plan (a few KB), not as every encoded frame (~33 KB for 108), so thousands of slow
/// streams cost little while they wait. Frames, in order: the role delta per choice, one content
/// delta per token piece (choices interleaved step by step), the finish chunk per choice, the
/// usage chunk when asked for, the moderation chunk of a moderated completion, then `[DONE]`.
struct ChatStreamRenderer: Sendable {
    private let plan: ChatPlan
    /// OpenRouter always sends usage in the last chunk; OpenAI only when asked.
    private let withUsage: Bool
    private let includeObfuscation: Bool
    /// Drawn frame by frame, so frames must be rendered in order (they are: a stream is sequential).
    private var padding: SplitMix64
    private var stage = Stage.deltas
    private var step = 0
    private var choice = 0
    private let longest: Int
    /// What every chunk starts with, written once: `data: {"id":…,"system_fingerprint":…`.
    private let start: JSONWriter
    /// A content delta's frame for one choice without audio or per-token logprobs (most of a
    /// stream's frames) split around its text: `head` ends at `"content":`, `tail` closes the chunk
    /// up to its obfuscation. Writing those fixed parts key by key was most of a frame's cost.
    private let pieceFrame: (head: JSONWriter, tail: [UInt8])?
    /// Every frame this stream has.
    let count: Int

    private enum Stage { case deltas, finishes, usage, moderation, done, end }

    /// One choice's delta at one step.
    private enum Delta {
        case role
        case piece(Int)
        case audioData
        case audioExpiry
        case toolOpening(Int)
        case toolPiece(call: Int, piece: Int)
        /// One of an OpenRouter web search's citations, before the content.
        case citation(Int)
    }

    init(_ plan: ChatPlan, includeUsage: Bool, includeObfuscation: Bool) {
        self.plan = plan
        withUsage = includeUsage || plan.flavor == .openrouter
        self.includeObfuscation = includeObfuscation && plan.flavor != .openrouter
        padding = SplitMix64(seed: plan.paddingSeed)
        let citations = plan.serverTools?.citations.count ?? 0
        let steps = plan.choices.map { Self.deltaCount($0) + citations }
        longest = steps.max() ?? 0
        var start = JSONWriter(capacity: 256)
        start.framing("data: ")
        start.beginObject()
        ChatCompletionEncoder.header(&start, plan, object: "chat.completion.chunk", streaming: true)
        self.start = start
        pieceFrame = Self.pieceFrame(plan, start: start, withUsage: withUsage)
        count = steps.reduce(0, +) + plan.choices.count + (withUsage ? 1 : 0) + (plan.moderation == nil ? 0 : 1) + 1
    }

    mutating func next() -> [UInt8]? {
        while true {
            switch stage {
            case .deltas:
                if step >= longest {
                    stage = .finishes
                    choice = 0
                } else if choice >= plan.choices.count {
                    step += 1
                    choice = 0
                } else {
                    let index = choice
                    choice += 1
                    guard let delta = Self.delta(plan.choices[index], step: step, citations: plan.serverTools?.citations.count ?? 0) else { continue }
                    if case .piece(let p) = delta, let pieceFrame { return pieceChunk(pieceFrame, plan.choices[index].pieces[p]) }
                    return chunk { w, renderer in renderer.choice(&w, index, finish: nil, delta: delta) }
                }
            case .finishes:
                guard choice < plan.choices.count else {
                    stage = withUsage ? .usage : .moderation
                    continue
                }
                let index = choice
                choice += 1
                return chunk { w, renderer in renderer.choice(&w, index, finish: renderer.plan.choices[index].finishReason, delta: nil) }
            case .usage:
                stage = .moderation
                return usageChunk()
            case .moderation:
                stage = .done
                guard let moderation = plan.moderation else { continue }
                return chunk { w, _ in
                    w.key("choices"); w.beginArray(); w.endArray()
                    w.key("moderation"); moderation.write(&w)
                }
            case .done:
                stage = .end
                return Array("data: [DONE]\n\n".utf8)
            case .end:
                return nil
            }
        }
    }

    // MARK: Which delta comes when

    /// Role, content pieces, the audio's two parts, then each tool call's opening (the first's
    /// rides on the role delta) and argument pieces.
    private static func deltaCount(_ c: ChatPlan.Choice) -> Int {
        var n = 1 + c.pieces.count + (c.audio == nil ? 0 : 2)
        for (i, call) in c.toolCalls.enumerated() { n += (i > 0 ? 1 : 0) + call.pieces.count }
        return n
    }

    private static func delta(_ c: ChatPlan.Choice, step: Int, citations: Int) -> Delta? {
        if step == 0 { return .role }
        var s = step - 1
        if s < citations { return .citation(s) }
        s -= citations
        if s < c.pieces.count { return .piece(s) }
        s -= c.pieces.count
        if c.audio != nil {
            if s == 0 { return .audioData }
            if s == 1 { return .audioExpiry }
            s -= 2
        }
        for (i, call) in c.toolCalls.enumerated() {
            if i > 0 {
                if s == 0 { return .toolOpening(i) }
                s -= 1
            }
            if s < call.pieces.count { return .toolPiece(call: i, piece: s) }
            s -= call.pieces.count
        }
        return nil
    }

    // MARK: Encoding

    private mutating func chunk(_ body: (inout JSONWriter, Self) -> Void) -> [UInt8] {
        var w = JSONWriter(continuing: start, capacity: 160)
        body(&w, self)
        if withUsage && plan.flavor != .openrouter { w.key("usage"); w.null() }
        obfuscation(&w)
        w.endObject()
        w.framing("\n\n")
        return w.bytes
    }

    /// What `chunk` with `choice` writes for a content piece, from `pieceFrame`: the same bytes.
    private static func pieceFrame(_ plan: ChatPlan, start: JSONWriter, withUsage: Bool) -> (head: JSONWriter, tail: [UInt8])? {
        guard plan.flavor != .openrouter, plan.choices.count == 1, plan.choices[0].audio == nil, plan.logprobs == nil else { return nil }
        var head = JSONWriter(continuing: start, capacity: 64)
        head.key("choices"); head.beginArray(); head.beginObject()
        head.key("index"); head.int(0)
        head.key("delta"); head.beginObject(); head.key("content")
        var rest = JSONWriter(continuing: head, capacity: 96)
        rest.string("")
        let textEnd = rest.bytes.count
        rest.endObject()
        if plan.choiceLogprobs { rest.key("logprobs"); rest.null() }
        rest.key("finish_reason"); rest.null()
        rest.endObject(); rest.endArray()
        if withUsage { rest.key("usage"); rest.null() }
        return (head, Array(rest.bytes[textEnd...]))
    }

    private mutating func pieceChunk(_ frame: (head: JSONWriter, tail: [UInt8]), _ piece: Substring) -> [UInt8] {
        var w = JSONWriter(continuing: frame.head, capacity: piece.utf8.count + frame.tail.count + 40)
        w.string(piece)
        w.framing(bytes: frame.tail)
        if includeObfuscation {
            w.framing(",\"obfuscation\":\"")
            w.framing(count: padding.int(in: 1...12)) { padding.base62(into: $0) }
            w.framing("\"")
        }
        w.framing("}\n\n")
        return w.bytes
    }

    private mutating func usageChunk() -> [UInt8] {
        var w = JSONWriter(continuing: start, capacity: 384)
        if plan.flavor == .openrouter {
            // OpenRouter's since 2026-07: the upstream's tier, and choice 0's finish repeated.
            ChatCompletionEncoder.openRouterServiceTier(&w, plan)
            choice(&w, 0, finish: plan.choices[0].finishReason, delta: nil)
        } else {
            w.key("choices"); w.beginArray(); w.endArray()
        }
        w.key("usage"); ChatCompletionEncoder.usage(&w, plan.usage, cost: plan.flavor == .openrouter ? plan.cost : nil, serverTools: plan.serverTools)
        obfuscation(&w)
        w.endObject()
        w.framing("\n\n")
        return w.bytes
    }

    private mutating func obfuscation(_ w: inout JSONWriter) {
        guard includeObfuscation else { return }
        w.key("obfuscation"); w.string(padding.base62(padding.int(in: 1...12)))
    }

    private func choice(_ w: inout JSONWriter, _ index: Int, finish: String?, delta: Delta?) {
        let c = plan.choices[index]
        w.key("choices")
        w.beginArray()
        w.beginObject()
        w.key("index"); w.int(index)
        w.key("delta")
        w.beginObject()
        if plan.flavor == .openrouter { openRouterDelta(delta, of: c, &w) } else if let delta { write(delta, of: c, &w) }
        w.endObject()
        if case .piece(let position) = delta, let top = plan.logprobs {
            w.key("logprobs")
            w.beginObject()
            w.key("content"); w.beginArray()
            TokenLogprobs.write(&w, token: c.pieces[position], position: position, top: top, seed: plan.logprobSeed)
            w.endArray()
            w.key("refusal"); w.null()
            w.endObject()
        } else if plan.choiceLogprobs && plan.flavor != .openrouter {
            w.key("logprobs"); w.null()
        }
        w.key("finish_reason"); w.string(finish)
        if plan.flavor == .openrouter { w.key("native_finish_reason"); w.string(finish) }
        w.endObject()
        w.endArray()
    }

    /// OpenRouter's deltas since 2026-03 (fixtures/traffic/real/openrouter/chat): every one carries
    /// `content` then `role`, the finishing one empty content; no `refusal`. Tool calls and audio
    /// as OpenAI's (no recording shows OpenRouter's).
    private func openRouterDelta(_ delta: Delta?, of c: ChatPlan.Choice, _ w: inout JSONWriter) {
        switch delta {
        case .piece(let p)? where c.audio == nil:
            w.key("content"); w.string(c.pieces[p])
            w.key("role"); w.string("assistant")
        case nil:
            w.key("content"); w.string("")
            w.key("role"); w.string("assistant")
        case .role?:
            w.key("content"); if c.toolCalls.isEmpty { w.string("") } else { w.null() }
            w.key("role"); w.string("assistant")
            if let first = c.toolCalls.first { toolCall(&w, 0, first, opening: true, piece: nil) }
        case let other?:
            write(other, of: c, &w)
        }
    }

    private func write(_ delta: Delta, of c: ChatPlan.Choice, _ w: inout JSONWriter) {
        switch delta {
        case .role:
            w.key("role"); w.string("assistant")
            w.key("content"); if c.toolCalls.isEmpty { w.string("") } else { w.null() }
            if let first = c.toolCalls.first { toolCall(&w, 0, first, opening: true, piece: nil) }
            w.key("refusal"); w.null()
        case .piece(let p) where c.audio != nil:
            // Audio answers stream their transcript, then the audio itself.
            w.key("audio"); w.beginObject(); w.key("transcript"); w.string(c.pieces[p]); w.endObject()
        case .piece(let p):
            w.key("content"); w.string(c.pieces[p])
        case .audioData:
            // As the SDK documents it: chunks carry the id and data, the last only the expiry.
            guard let audio = c.audio else { return }
            w.key("audio"); w.beginObject(); w.key("id"); w.string(audio.id); w.key("data"); w.string(audio.data); w.endObject()
        case .audioExpiry:
            guard let audio = c.audio else { return }
            w.key("audio"); w.beginObject(); w.key("expires_at"); w.int(audio.expiresAt); w.endObject()
        case .toolOpening(let i):
            toolCall(&w, i, c.toolCalls[i], opening: true, piece: nil)
        case .toolPiece(let i, let p):
            toolCall(&w, i, c.toolCalls[i], opening: false, piece: c.toolCalls[i].pieces[p])
        case .citation(let i):
            w.key("content"); w.string("")
            w.key("role"); w.string("assistant")
            if let citation = plan.serverTools?.citations[i] { w.key("annotations"); w.value(.array([citation])) }
        }
    }

    private func toolCall(_ w: inout JSONWriter, _ index: Int, _ call: ChatPlan.ToolCall, opening: Bool, piece: Substring?) {
        if plan.legacyFunctionCall {
            w.key("function_call")
            w.beginObject()
            if opening { w.key("name"); w.string(call.name) }
            w.key("arguments"); w.string(piece.map(String.init) ?? "")
            w.endObject()
            return
        }
        w.key("tool_calls")
        w.beginArray()
        w.beginObject()
        w.key("index"); w.int(index)
        if opening {
            w.key("id"); w.string(call.id)
            w.key("type"); w.string("function")
        }
        w.key("function")
        w.beginObject()
        if opening { w.key("name"); w.string(call.name) }
        if let piece { w.key("arguments"); w.string(piece) } else { w.key("arguments"); w.string("") }
        w.endObject()
        w.endObject()
        w.endArray()
    }
}
