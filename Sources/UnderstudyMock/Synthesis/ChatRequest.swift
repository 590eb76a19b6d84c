import UnderstudyContract

/// A Chat Completions request, read and checked: what synthesis needs and nothing it would have to
/// look up by name again.
public struct ChatRequest: Sendable {
    public var model: String
    public var messages: [ChatMessage]
    public var n: Int
    /// The completion budget and the parameter that set it (`max_completion_tokens` or `max_tokens`).
    public var maxTokens: (param: String, value: Int)?
    public var stop: [String]
    public var seed: Int64?
    public var temperature: Double?
    public var topP: Double?
    public var stream: Bool
    public var includeUsage: Bool
    public var includeObfuscation: Bool
    public var reasoningEffort: String?
    public var serviceTier: String?
    /// Structured output, tools and tool choice.
    public var output = OutputSpec()
    /// `top_logprobs` when `logprobs` is true; nil without log probabilities.
    public var logprobs: Int?
    /// Keep the completion for the stored-completions endpoints.
    public var store = false
    /// With `modalities` including audio: the voice and format asked for (`audio`).
    public var audio: (voice: String, format: String)?
    /// `modalities` asked for audio without the `audio` parameter.
    public var audioParameterMissing = false
    /// `moderation.model`: a moderated completion (`ModeratedCompletion`); nil without it.
    public var moderationModel: String?
    /// The answer's text is kept as token pieces (deltas): false for a chat completion answered
    /// as one JSON object without log probabilities or audio, whose tokens are only counted.
    public var keepsPieces = true
}

public struct ChatMessage: Sendable {
    public var role: String
    public var name: String?
    public var parts: [ContentPart]
    /// Text that assistant tool calls add to the prompt (names and arguments).
    public var toolCallText: String
    public var toolCallID: String?

    /// The text of the message's text parts, joined.
    public var text: String {
        var out = ""
        for part in parts {
            if case .text(let t) = part {
                if !out.isEmpty { out += "\n" }
                out += t
            }
        }
        return out
    }

    /// Roughly what the message holds in memory (for stores bounded by bytes).
    var bytes: Int {
        64 + toolCallText.utf8.count + parts.reduce(0) { total, part in
            switch part {
            case .text(let t): total + t.utf8.count
            case .image(let url, _): total + url.utf8.count
            case .audio(let data, _): total + data.utf8.count
            case .file(let data, let id, let name): total + (data?.utf8.count ?? 0) + (id?.utf8.count ?? 0) + (name?.utf8.count ?? 0)
            case .video(let url): total + url.utf8.count
            }
        }
    }
}

public enum ContentPart: Sendable {
    case text(String)
    case image(url: String, detail: String)
    case audio(data: String, format: String)
    case file(data: String?, id: String?, name: String?)
    /// A video by URL (OpenRouter's `video_url` part, for the models that read video).
    case video(url: String)
}
