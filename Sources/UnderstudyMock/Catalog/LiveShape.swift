/// What the live API writes for a model where the request said nothing, and which optional
/// members its answers carry: facts read off recordings of the live API (pydantic/pydantic-ai's
/// VCR cassettes, tests/models/cassettes, 2025-03 to 2026-08), kept per model in models.yaml
/// under `live:`.
public struct LiveShape: Sendable, Equatable {
    /// The Response's `top_p` when the request gave none (0.98 from gpt-5.2 on, 1 before).
    public var topP: Double = 1
    /// The Response's `prompt_cache_retention` when the request gave none (`24h` from gpt-5.5 on,
    /// `in_memory` before).
    public var promptCacheRetention = "in_memory"
    /// The Response's `reasoning.context` for reasoning models (`all_turns` from gpt-5.5 on).
    public var reasoningContext = "current_turn"
    /// Whether output messages carry `phase` (`final_answer`): gpt-5.4 on.
    public var messagePhase = false
    /// Whether each chat choice carries `logprobs` (null unless asked for). Reasoning models, the
    /// audio and search previews and gpt-4.5-preview leave the member out, streamed or not.
    public var choiceLogprobs = true
    /// Whether functions an `additional_tools` input item loads are listed in the Response's
    /// `tools` as plain functions (gpt-5.6 on, recorded 2026-08) or each as a namespace of its
    /// own (gpt-5 and gpt-5.4, recorded 2026-07): see ResponseToolListing.
    public var additionalToolsAsFunctions = false

    public init() {}
}
