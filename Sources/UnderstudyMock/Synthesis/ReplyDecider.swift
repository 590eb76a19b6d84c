import UnderstudyContract

/// What one answer says: text (a canned reply, prose, a JSON object, JSON from a schema) or calls
/// to the client's functions. Deterministic in the conversation and the generator state.
enum ReplyDecider {
    enum Content {
        case text(String)
        /// Calls, after a short message when the request asked for a preamble.
        case toolCalls([Call], preamble: String?)
    }

    struct Call {
        var name: String
        /// The arguments as a JSON text.
        var arguments: String
    }

    /// Throws when a request's schema asks for more than the generator's budget allows. `budget`
    /// is shared by all of a request's answers (its `n` choices): what one writes, the next may
    /// not, so `n` cannot multiply the output.
    static func decide(_ output: OutputSpec, messages: [ChatMessage], rule: ReplyRule?, rng: inout SplitMix64,
                       budget: inout SchemaInstanceGenerator.Budget) throws(APIError) -> Content {
        let lastUser = messages.last(where: { $0.role == "user" })?.text ?? ""
        let hints = Hints(prompt: lastUser)
        if calls(output, afterToolResult: messages.last?.role == "tool") {
            if let fixed = rule?.toolCall, output.tools.contains(where: { $0.name == fixed.name }) {
                return .toolCalls([Call(name: fixed.name, arguments: fixed.arguments)], preamble: preamble(output, fixed.name))
            }
            var calls: [Call] = []
            for tool in chooseTools(output, prompt: lastUser) {
                var generator = SchemaInstanceGenerator(seed: rng.next(), budget: budget, text: hints.text)
                generator.optionalProperties = tool.strict ? .all : .some
                let arguments = try tool.parameters.map { (p) throws(APIError) in
                    try generate(&generator, p, "function '\(tool.name)'", "tools", budget: &budget)
                }
                calls.append(Call(name: tool.name, arguments: (arguments ?? .object([:])).jsonString))
            }
            return .toolCalls(calls, preamble: calls.first.flatMap { preamble(output, $0.name) })
        }
        if let reply = rule?.reply { return .text(reply) }
        switch output.format {
        case .jsonSchema(_, let schema):
            var generator = SchemaInstanceGenerator(seed: rng.next(), budget: budget, text: hints.text)
            let json = try generate(&generator, schema, "response_format", "response_format", budget: &budget).jsonString
            return .text(output.fenceJSON ? "```json\n\(json)\n```" : json)
        case .jsonObject:
            // The keys the prompt asks for, when it names them ("the keys "name" (a string) and
            // "age" (an integer)"), as a model would answer; otherwise a topic and an answer.
            let prompt = messages.filter { $0.role != "assistant" && $0.role != "tool" }.map(\.text).joined(separator: "\n")
            let asked = JSONKeysRequested.keys(in: prompt)
            guard !asked.isEmpty else {
                let answer = ProseGenerator.reply(to: lastUser, targetTokens: 20, using: &rng)
                return .text(JSONValue.object(["topic": .string(Topic.phrase(from: lastUser)), "answer": .string(answer)]).jsonString)
            }
            var object = JSONObject()
            for (key, type) in asked { object[key] = JSONKeysRequested.value(for: key, type: type, hints: hints, prompt: lastUser, rng: &rng) }
            return .text(JSONValue.object(object).jsonString)
        case .text:
            if messages.last?.role == "tool", let result = messages.last?.text {
                let shown = result.count > 240 ? String(result.prefix(240)) + "…" : result
                return .text("Here is what I found: \(shown)\n\n" + ProseGenerator.reply(to: lastUser, targetTokens: 24, using: &rng))
            }
            return .text(ProseGenerator.reply(to: lastUser, targetTokens: AskedLength.tokens(in: lastUser) ?? rng.int(in: 24...110), using: &rng))
        }
    }

    /// Whether the answer calls the client's functions. Unasked: when functions are offered and
    /// allowed, except that after a tool result `auto` answers with text. The live model decides
    /// from the prompt either way, so a request may ask (`OutputSpec.decision`): `call` whenever
    /// functions are offered and allowed (`preamble`: after a short message); `text` unless
    /// `tool_choice` forces a function call
    /// (`required` is met by a hosted tool's call where the request offers one).
    static func calls(_ output: OutputSpec, afterToolResult: Bool) -> Bool {
        guard !output.tools.isEmpty && output.toolChoice != .none else { return false }
        switch output.decision {
        case .call?, .preamble?: return true
        case .text?:
            if case .named = output.toolChoice { return true }
            return output.toolChoice == .required && !output.hostedTools
        case nil: return !(output.toolChoice == .auto && afterToolResult)
        }
    }

    /// What a model says before its call when asked to (`preamble`): the live API's
    /// `phase: commentary` message before a function call, from gpt-5.4 on (pydantic-ai's
    /// cassettes, 2026-05 to 2026-07: 4 of 22 calls of gpt-5.4 and gpt-5.5).
    private static func preamble(_ output: OutputSpec, _ name: String) -> String? {
        output.decision == .preamble ? "I'll use \(name) for this." : nil
    }

    private static func generate(_ generator: inout SchemaInstanceGenerator, _ schema: Schema, _ what: String, _ param: String,
                                 budget: inout SchemaInstanceGenerator.Budget) throws(APIError) -> JSONValue {
        do {
            let value = try generator.generate(schema)
            budget.values -= generator.spent.values
            budget.characters -= generator.spent.characters
            budget.patternSteps -= generator.spent.patternSteps
            return value
        } catch {
            let shared = budget.characters < SchemaInstanceGenerator.Budget().characters ? ", shared by all the request's choices" : ""
            throw .invalidRequest("Invalid schema for \(what): \(error.description) (Understudy's limit\(shared)).", param: param, code: "invalid_json_schema")
        }
    }

    /// Named → that tool. Otherwise tools ranked by how many words of their name and description
    /// the prompt shares; with parallel calls, every tool the prompt mentions (at least the best).
    static func chooseTools(_ output: OutputSpec, prompt: String) -> [OutputSpec.FunctionTool] {
        if case .named(let name) = output.toolChoice { return output.tools.filter { $0.name == name } }
        let words = Set(Hints.words(prompt))
        let scored = output.tools.enumerated().map { i, tool -> (Int, Int) in
            let toolWords = Hints.words(tool.name.replacing("_", with: " ") + " " + (tool.description ?? ""))
            return (toolWords.filter(words.contains).count, i)
        }
        let best = scored.max { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 > $1.1) }!.1
        guard output.parallelToolCalls else { return [output.tools[best]] }
        let mentioned = scored.filter { $0.0 > 0 }.map(\.1)
        return (mentioned.isEmpty ? [best] : mentioned).map { output.tools[$0] }
    }

    /// Text for argument and field values, drawn from the prompt.
    struct Hints {
        let properNoun: String?
        let topic: String
        let prompt: String

        init(prompt: String) {
            self.prompt = prompt
            topic = Topic.phrase(from: prompt)
            // A capitalised word that does not start a sentence: a place or a name.
            var found: String?
            var previous: Character = "."
            for word in prompt.split(separator: " ") {
                let clean = word.filter { $0.isLetter || $0 == "-" }
                if let first = clean.first, first.isUppercase, !".!?".contains(previous), clean.count > 1 {
                    found = String(clean)
                    break
                }
                previous = word.last ?? " "
            }
            properNoun = found
        }

        static func words(_ text: String) -> [String] {
            text.lowercased().split { !$0.isLetter }.map(String.init).filter { $0.count >= 4 && !Topic.stopwords.contains($0) }
        }

        func text(_ property: String?) -> String? {
            let name = (property ?? "").lowercased()
            if ["location", "city", "place", "country", "destination", "name", "person", "region"].contains(where: name.contains) {
                return properNoun ?? topic
            }
            if ["query", "search", "topic", "subject", "keyword", "question", "prompt"].contains(where: name.contains) {
                return String(prompt.prefix(120))
            }
            if ["answer", "summary", "description", "explanation", "reason", "text", "content", "title"].contains(where: name.contains) {
                return "A short answer about \(topic)."
            }
            return nil
        }
    }
}
