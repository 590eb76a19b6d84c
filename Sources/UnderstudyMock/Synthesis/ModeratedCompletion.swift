import UnderstudyContract

/// Moderated completions: a chat request with `moderation: {model: …}` gets moderation results
/// for its input and its output (`moderation` on the completion; on a stream, one more chunk
/// after the usage chunk, with `choices: []` and `usage: null`). As recorded from the live API
/// (pydantic-ai, tests/models/cassettes/test_openai/test_openai_moderation_stream.yaml,
/// 2026-07-22) and typed by openai-python 3.54 (`ChatCompletion.moderation`).
///
/// Nothing is flagged: the scores are small, seeded by the text, so the same text scores the
/// same. (A mock that flagged text would need a model of harm; a client's flagged path is
/// better driven by a scenario's `moderation` error.)
public struct ModeratedCompletion: Sendable {
    /// The moderation model as the request named it (the live API reports it so).
    public var model: String
    public var input: String
    public var inputHasImages: Bool
    /// Each choice's text (empty for a choice that only calls tools).
    public var outputs: [String]

    /// The categories of omni-moderation, in the order the live API lists them.
    static let categories = [
        "harassment", "harassment/threatening", "sexual", "hate", "hate/threatening", "illicit", "illicit/violent",
        "self-harm/intent", "self-harm/instructions", "self-harm", "sexual/minors", "violence", "violence/graphic",
    ]
    /// The categories omni-moderation also scores images for (OpenAI's moderation guide).
    static let imageCategories: Set<String> = [
        "sexual", "self-harm/intent", "self-harm/instructions", "self-harm", "violence", "violence/graphic",
    ]

    /// `{"input": {results}, "output": {results}}`.
    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("input"); results(&w, texts: [input], images: inputHasImages)
        w.key("output"); results(&w, texts: outputs, images: false)
        w.endObject()
    }

    private func results(_ w: inout JSONWriter, texts: [String], images: Bool) {
        w.beginObject()
        w.key("type"); w.string("moderation_results")
        w.key("model"); w.string(model)
        w.key("results")
        w.beginArray()
        for text in texts {
            var rng = SplitMix64(seed: StableHash.combine(StableHash.hash(Array(text.utf8)), 0x30D))
            w.beginObject()
            w.key("type"); w.string("moderation_result")
            w.key("model"); w.string(model)
            w.key("flagged"); w.bool(false)
            w.key("categories")
            w.beginObject()
            for category in Self.categories { w.key(escaping: category); w.bool(false) }
            w.endObject()
            w.key("category_scores")
            w.beginObject()
            for category in Self.categories {
                // 1e-7 … 1e-3, as unflagged text scores.
                let mantissa = 1 + Double(rng.next() % 9000) / 1000
                w.key(escaping: category); w.double(mantissa * Self.powers[rng.int(in: 0...4)])
            }
            w.endObject()
            w.key("category_applied_input_types")
            w.beginObject()
            for category in Self.categories {
                w.key(escaping: category)
                w.beginArray(); w.string("text"); if images && Self.imageCategories.contains(category) { w.string("image") }; w.endArray()
            }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static let powers = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3]
}
