/// One model as the catalog knows it: the facts from the seeds in fixtures/models.yaml.
public struct ModelInfo: Sendable, Equatable {
    /// The canonical, provider-qualified id (`openai/gpt-4o`), as OpenRouter lists it.
    public var id: String
    /// Other ids that name this model: the bare OpenAI id (`gpt-4o`) and dated snapshots.
    public var aliases: [String]
    /// The display name (`OpenAI: GPT-4o`).
    public var name: String
    public var description: String
    public var ownedBy: String
    /// Unix seconds.
    public var created: Int64
    /// The id the OpenAI API reports in `model` for a request that named the bare alias.
    public var snapshot: String
    public var contextLength: Int
    public var maxOutputTokens: Int
    public var pricing: Pricing
    public var inputModalities: [String]
    /// A reasoning model: reports reasoning_tokens, takes reasoning_effort, rejects max_tokens and
    /// non-default sampling as the real ones do.
    public var reasoning: Bool
    /// The provider requires the caller's own key (OpenRouter's BYOK).
    public var byokRequired: Bool
    public var deprecation: Deprecation?
    public var systemFingerprint: String?
    /// The simulated providers serving it through OpenRouter, in default order.
    public var providers: [Provider] = [Provider(name: "OpenAI")]
    /// Which APIs serve it: `chat` (/chat/completions) and `responses` (/responses); or one of
    /// `completions`, `embeddings` or `otherAPIs`.
    public var endpoints: [String] = ["chat", "responses"]
    /// Where OpenAI's own API serves fewer of them than OpenRouter does (`openai_endpoints`).
    public var openAIEndpoints: [String]?
    /// A model of chat, Responses, legacy completions or embeddings: one with limits and prices;
    /// false for one of `otherAPIs` (stored, set with `endpoints`: it is asked on every request).
    public var writesText = true
    /// `text`, or `text` and `audio` for the audio models.
    public var outputModalities: [String] = ["text"]
    /// Request members the live API refuses for this model, beyond a reasoning model's rules.
    public var unsupportedParameters: [String] = []
    /// Facts in models.yaml that no source confirmed (listed there, never invented silently).
    public var unconfirmed: [String] = []
    /// With `--models open`: the catalog model whose facts an unknown id borrowed.
    public var standInFor: String?
    /// How fast it generates under `--timing realistic`: the catalog's `timing:` defaults with
    /// this model's `timing:` laid over them.
    public var timing = TimingProfile()
    /// An embedding model's vector length (nil for the others).
    public var embeddingDimensions: Int?
    /// Defaults and optional members of its answers as the live API writes them (`live:`).
    public var live = LiveShape()

    /// A simulated OpenRouter provider of a model, with what `provider.sort` ranks by.
    public struct Provider: Sendable, Equatable {
        public var name: String
        /// Multiplies the model's prices.
        public var priceFactor: Double = 1
        /// Tokens per second.
        public var throughput: Double = 80
        /// Milliseconds to the first token.
        public var latencyMilliseconds: Int = 400
    }

    /// The id OpenAI's own API uses: the first alias without a provider prefix.
    public var openAIID: String {
        aliases.first(where: { !$0.contains("/") }) ?? id
    }

    /// Every id OpenAI's own API lists it under: the aliases without a provider prefix (the bare id,
    /// dated snapshots, `-latest`), or the catalog id when it has none.
    public var openAIIDs: [String] {
        let bare = aliases.filter { !$0.contains("/") }
        return bare.isEmpty ? [id] : bare
    }
}

/// Prices in US dollars, as the seeds give them.
public struct Pricing: Sendable, Equatable {
    /// Per million input tokens.
    public var input: Double
    /// Per million output tokens.
    public var output: Double
    /// Per thousand input images.
    public var imagePerThousand: Double?
    /// Per million cached input tokens read.
    public var cacheRead: Double?
    /// Per million input tokens written to the cache.
    public var cacheWrite: Double?
}

/// When a model stops being served and what replaces it.
public struct Deprecation: Sendable, Equatable {
    /// Unix seconds of the announcement, if known.
    public var announced: Int64?
    /// Unix seconds at which requests start failing.
    public var shutdown: Int64
    /// The catalog id of the recommended replacement.
    public var replacement: String?
}

extension ModelInfo {
    /// Whether `flavor` answers for this model: OpenAI only for its own (the catalog's `openai/`
    /// entries, and stand-ins under `--models open`); the gateways for every provider's. The live
    /// OpenAI API answers `anthropic/claude-sonnet-4.5` with its 404.
    func isListed(by flavor: Flavor) -> Bool {
        switch flavor {
        case .openai: standInFor != nil || isOpenAIs
        case .openrouter: writesText  // OpenRouter's list is of its text models
        case .aimlapi: true
        }
    }

    /// The APIs of OpenAI models that write no text (images, speech, transcription, realtime,
    /// moderation, video): the mock does not serve them, but the live API lists their models and
    /// retrieves them, and a text API refuses them in its own words, never as an unknown model.
    public static let otherAPIs: Set<String> = ["images", "speech", "transcriptions", "realtime", "moderations", "videos"]


    /// One of OpenAI's own models (the catalog's `openai/` entries).
    var isOpenAIs: Bool { id.hasPrefix("openai/") }
}
