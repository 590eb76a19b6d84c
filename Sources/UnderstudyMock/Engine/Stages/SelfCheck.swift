import UnderstudyContract

/// `--self-check`: what the engine is about to send validated against the contract (and any
/// document given beside it); findings go with the answer, for the server to log, and into the
/// engine's log. OpenRouter's completions and chunks are checked against OpenAI's schemas (they
/// are meant to parse as OpenAI's); its error envelope and model list have shapes of their own,
/// for which there is no spec yet.
struct SelfCheck: Finisher {
    func finish(_ response: inout MockResponse, _ context: RequestContext, _ engine: MockEngine) throws(APIError) {
        guard engine.configuration.selfCheck, !context.route.isAdmin else { return }
        for contract in [engine.configuration.contract].compactMap({ $0 }) + engine.configuration.selfCheckAlso {
            let findings = Self.findings(response, context, contract, engine.answerValidator)
            guard !findings.isEmpty else { continue }
            response.violations += findings
            engine.logSelfCheck(findings)
        }
    }

    private static func findings(_ response: MockResponse, _ context: RequestContext, _ contract: OpenAIContract,
                                 _ validator: SchemaValidator) -> [String] {
        // Breaking these on purpose was the point.
        if response.injectedFault != nil { return [] }
        let route = context.route
        if context.flavor == .openrouter {
            guard route.is("createChatCompletion"), response.status == 200 else { return [] }
        }
        let schema: Schema?
        if response.status != 200 {
            schema = contract.error
        } else if let entry = route.entry, let path = entry.schema {
            schema = contract[keyPath: path]
        } else {
            return []
        }
        let eventSchema = contract[keyPath: route.entry?.eventSchema ?? \OpenAIContract.chatChunk]
        var findings: [String] = []
        func check(_ bytes: some Collection<UInt8>, _ schema: Schema, _ what: String) {
            do {
                let value = try JSONParser.parse(bytes)
                findings += validator.validate(value, against: schema).map { "self-check: \(what): \($0)" }
            } catch {
                findings.append("self-check: \(what) is not JSON: \(error)")
            }
        }
        switch response.body {
        case .bytes(let bytes):
            // A schema the document lacks was noted once at start (OpenAIContract.startNote).
            guard let schema else { return [] }
            check(bytes, schema, "response body")
        case .fault:
            return []
        case .stream(let plan):
            let frames = plan.frames.remaining()
            let events = SSEParser.events(frames.flatMap { $0 })
            if events.count != frames.count { findings.append("self-check: \(frames.count) frames parse as \(events.count) events") }
            if let eventSchema {
                for (i, event) in events.enumerated() where event.data != "[DONE]" {
                    check(Array(event.data.utf8), eventSchema, "stream event \(i)")
                }
            }
            if route.is("createChatCompletion"), events.last?.data != "[DONE]" {
                findings.append("self-check: the stream does not end with [DONE]")
            }
        }
        return findings
    }
}
