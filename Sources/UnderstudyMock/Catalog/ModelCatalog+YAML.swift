extension ModelCatalog {
    /// Reads fixtures/models.yaml: a top-level `models:` list, one mapping per model.
    public static func parse(yaml text: String, file: String) throws(FixtureError) -> ModelCatalog {
        let document = try YAMLDocument.parse(text, file: file)
        var top = try YAMLFields(document, what: "models.yaml")
        let list = try top.required("models").sequence("models")
        let timing = TimingProfile().applying(try top.optional("timing").map { (node) throws(FixtureError) in try TimingProfile.Patch.parse(node) })
        try top.rejectUnknown()
        var models: [ModelInfo] = []
        for entry in list { models.append(try model(from: entry, timing: timing)) }
        do {
            return try ModelCatalog(models: models)
        } catch {
            throw FixtureError(file: file, line: error.line, column: error.column, message: error.message)
        }
    }

    private static func model(from entry: YAMLDocument, timing: TimingProfile) throws(FixtureError) -> ModelInfo {
        var f = try YAMLFields(entry, what: "a model")
        let id = try f.required("id").string("id")
        let created = try day(f.required("created"), "created")
        let endpoints = try f.optional("endpoints")?.strings("endpoints")
        // A model of an API the mock does not serve (an image model, say) is listed, not answered:
        // it needs no limits or prices.
        let writesText = !(endpoints ?? []).contains(where: ModelInfo.otherAPIs.contains)
        var pricing = Pricing(input: 0, output: 0)
        if writesText || f.has("pricing") { pricing = try self.pricing(f.required("pricing")) }
        let deprecation = try f.optional("deprecation").map { (d) throws(FixtureError) in try self.deprecation(d) }
        var model = ModelInfo(
            id: id,
            aliases: try f.optional("aliases")?.strings("aliases") ?? [],
            name: try f.optional("name")?.string("name") ?? id,
            description: try f.optional("description")?.string("description") ?? "",
            // OpenAI lists its models as owned by `system` since late 2023 (gpt-5: "system", in a
            // GET /v1/models answer quoted by public test fixtures); older ones say so in models.yaml.
            ownedBy: try f.optional("owned_by")?.string("owned_by")
                ?? (id.hasPrefix("openai/") ? "system" : String(id.split(separator: "/").first ?? "system")),
            created: created,
            snapshot: try f.optional("snapshot")?.string("snapshot") ?? id,
            contextLength: writesText || f.has("context_length") ? try f.required("context_length").int("context_length") : 0,
            maxOutputTokens: writesText || f.has("max_output_tokens") ? try f.required("max_output_tokens").int("max_output_tokens") : 0,
            pricing: pricing,
            inputModalities: try f.optional("input_modalities")?.strings("input_modalities") ?? ["text"],
            reasoning: try f.optional("reasoning")?.bool("reasoning") ?? false,
            byokRequired: try f.optional("byok_required")?.bool("byok_required") ?? false,
            deprecation: deprecation,
            systemFingerprint: try f.optional("system_fingerprint")?.string("system_fingerprint")
        )
        if let endpoints {
            guard endpoints == ["embeddings"] || endpoints == ["completions"]
                    || endpoints.count == 1 && ModelInfo.otherAPIs.contains(endpoints[0])
                    || !endpoints.isEmpty && endpoints.allSatisfy(["chat", "responses"].contains) else {
                throw entry.error("\(id): endpoints must list chat and/or responses, or be one of [embeddings], [completions], "
                                  + ModelInfo.otherAPIs.sorted().map { "[\($0)]" }.joined(separator: ", "))
            }
            model.endpoints = endpoints
            model.writesText = writesText
        }
        if let own = try f.optional("openai_endpoints")?.strings("openai_endpoints") {
            guard !own.isEmpty, own.allSatisfy(model.endpoints.contains) else {
                throw entry.error("\(id): openai_endpoints must be some of its endpoints")
            }
            model.openAIEndpoints = own
        }
        if let modalities = try f.optional("output_modalities")?.strings("output_modalities") {
            guard modalities.contains("text"), modalities.allSatisfy(["text", "audio"].contains) else {
                throw entry.error("\(id): output_modalities must be [text] or [text, audio]")
            }
            model.outputModalities = modalities
        }
        model.unsupportedParameters = try f.optional("unsupported_parameters")?.strings("unsupported_parameters") ?? []
        model.unconfirmed = try f.optional("unconfirmed")?.strings("unconfirmed") ?? []
        model.embeddingDimensions = try f.optional("dimensions")?.int("dimensions")
        if (model.embeddingDimensions != nil) != (model.endpoints == ["embeddings"]) || model.embeddingDimensions.map({ $0 < 1 }) == true {
            throw entry.error("\(id): an embedding model (endpoints: [embeddings]) has positive dimensions, and only it")
        }
        if model.reasoning { model.live.choiceLogprobs = false }
        if let live = f.optional("live") { model.live = try self.live(live, base: model.live) }
        model.timing = timing.applying(try f.optional("timing").map { (node) throws(FixtureError) in try TimingProfile.Patch.parse(node) })
        if let list = f.optional("providers") {
            var providers: [ModelInfo.Provider] = []
            for item in try list.sequence("providers") {
                if item.isScalar {
                    providers.append(ModelInfo.Provider(name: try item.string("providers")))
                    continue
                }
                var p = try YAMLFields(item, what: "a provider")
                var provider = ModelInfo.Provider(name: try p.required("name").string("providers.name"))
                provider.priceFactor = try p.optional("price_factor")?.double("price_factor") ?? 1
                provider.throughput = try p.optional("throughput")?.double("throughput") ?? 80
                provider.latencyMilliseconds = try p.optional("latency_ms")?.int("latency_ms") ?? 400
                try p.rejectUnknown()
                providers.append(provider)
            }
            if !providers.isEmpty { model.providers = providers }
        }
        try f.rejectUnknown()
        guard !writesText || model.contextLength > 0 && model.maxOutputTokens > 0 && model.maxOutputTokens <= model.contextLength else {
            throw entry.error("\(id): context_length and max_output_tokens must be positive, max_output_tokens at most context_length")
        }
        return model
    }

    /// `live: {top_p, prompt_cache_retention, reasoning_context, message_phase, choice_logprobs,
    /// additional_tools: functions|namespaces}`.
    private static func live(_ node: YAMLDocument, base: LiveShape) throws(FixtureError) -> LiveShape {
        var f = try YAMLFields(node, what: "live")
        var live = base
        if let v = f.optional("top_p") { live.topP = try v.double("live.top_p") }
        if let v = f.optional("prompt_cache_retention") { live.promptCacheRetention = try v.string("live.prompt_cache_retention") }
        if let v = f.optional("reasoning_context") { live.reasoningContext = try v.string("live.reasoning_context") }
        if let v = f.optional("message_phase") { live.messagePhase = try v.bool("live.message_phase") }
        if let v = f.optional("choice_logprobs") { live.choiceLogprobs = try v.bool("live.choice_logprobs") }
        if let v = f.optional("additional_tools") {
            switch try v.string("live.additional_tools") {
            case "functions": live.additionalToolsAsFunctions = true
            case "namespaces": live.additionalToolsAsFunctions = false
            default: throw v.error("live.additional_tools must be functions or namespaces")
            }
        }
        try f.rejectUnknown()
        return live
    }

    private static func day(_ node: YAMLDocument, _ what: String) throws(FixtureError) -> Int64 {
        let text = try node.string(what)
        guard let seconds = UTCDate.parseDay(text) else { throw node.error("\(what) must be a date as YYYY-MM-DD, not '\(text)'") }
        return seconds
    }

    private static func pricing(_ node: YAMLDocument) throws(FixtureError) -> Pricing {
        var f = try YAMLFields(node, what: "pricing")
        let pricing = Pricing(
            input: try f.required("input").double("pricing.input"),
            output: try f.required("output").double("pricing.output"),
            imagePerThousand: try f.optional("image")?.double("pricing.image"),
            cacheRead: try f.optional("cache_read")?.double("pricing.cache_read"),
            cacheWrite: try f.optional("cache_write")?.double("pricing.cache_write")
        )
        try f.rejectUnknown()
        return pricing
    }

    private static func deprecation(_ node: YAMLDocument) throws(FixtureError) -> Deprecation {
        var f = try YAMLFields(node, what: "deprecation")
        let deprecation = Deprecation(
            announced: try f.optional("announced").map { (n) throws(FixtureError) in try day(n, "deprecation.announced") },
            shutdown: try day(f.required("shutdown"), "deprecation.shutdown"),
            replacement: try f.optional("replacement")?.string("deprecation.replacement")
        )
        try f.rejectUnknown()
        return deprecation
    }
}
