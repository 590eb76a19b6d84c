/// Writes plausible, deterministic assistant prose about the topic of the user's last message:
/// the same topic and generator state give the same words on every machine. It is not a language
/// model; it is enough for clients to render, stream, count and cut real-looking text.
public enum ProseGenerator {
    /// Prose of roughly `targetTokens` tokens (it finishes the sentence it is in).
    public static func reply(to prompt: String, targetTokens: Int, using rng: inout SplitMix64) -> String {
        let topic = Topic.phrase(from: prompt)
        var sentences: [String] = [fill(rng.pick(openers), topic: topic, rng: &rng)]
        var tokens = TokenPieces.count(sentences[0])
        var used: Set<Int> = []
        while tokens < targetTokens, used.count < body.count {
            var index = rng.int(in: 0...(body.count - 1))
            while used.contains(index) { index = (index + 1) % body.count }
            used.insert(index)
            let sentence = fill(body[index], topic: topic, rng: &rng)
            sentences.append(sentence)
            tokens += TokenPieces.count(sentence) + 1
        }
        if rng.int(in: 0...2) > 0 { sentences.append(fill(rng.pick(closers), topic: topic, rng: &rng)) }
        // Paragraphs of two to four sentences.
        var text = ""
        var inParagraph = 0
        var paragraphLength = rng.int(in: 2...4)
        for sentence in sentences {
            if inParagraph == paragraphLength {
                text += "\n\n"
                inParagraph = 0
                paragraphLength = rng.int(in: 2...4)
            } else if !text.isEmpty {
                text += " "
            }
            text += sentence
            inParagraph += 1
        }
        return text
    }

    private static func fill(_ template: String, topic: String, rng: inout SplitMix64) -> String {
        var out = ""
        var chars = template.makeIterator()
        while let c = chars.next() {
            guard c == "{" else { out.append(c); continue }
            var slot = ""
            while let d = chars.next(), d != "}" { slot.append(d) }
            switch slot {
            case "T": out += topic
            case "A": out += rng.pick(adjectives)
            case "N": out += rng.pick(nouns)
            case "V": out += rng.pick(verbs)
            default: out += slot
            }
        }
        if let first = out.first, first.isLowercase { out = first.uppercased() + out.dropFirst() }
        return out
    }

    static let openers = [
        "Here is a short overview of {T}.",
        "Good question: {T} is worth getting right.",
        "Let's walk through {T} step by step.",
        "There are a few things to keep in mind about {T}.",
        "{T} is easier to reason about once you see how the pieces fit together.",
        "Sure, here is how I would think about {T}.",
    ]

    static let body = [
        "The first thing to understand is the {N} that everything else depends on.",
        "A {A} way to approach it is to {V} one {N} at a time.",
        "In practice, most questions about {T} come down to a single {N}.",
        "It helps to {V} the {N} before changing anything else.",
        "If the {N} is {A}, the rest usually follows.",
        "A common mistake is to skip the {N} and go straight to the details.",
        "Start with a {A} {N}, then {V} it against what you expect.",
        "For {T}, a {A} {N} is often more useful than a long explanation.",
        "Once that is in place, you can {V} the remaining details with confidence.",
        "Keep in mind that every {N} involves a trade-off between speed and clarity.",
        "When something looks wrong, {V} the {N} first; it is the cheapest thing to check.",
        "Experienced people tend to keep the {N} {A} and revisit it often.",
        "You do not need to get everything right at once: a {A} first draft is fine.",
        "The details vary from case to case, but the {N} stays the same.",
        "Write down the {N} explicitly, because it is easy to lose track of it later.",
        "A second pair of eyes on the {N} catches more than another hour alone.",
    ]

    static let closers = [
        "Would you like a worked example of {T}?",
        "Let me know if you want me to go deeper into any part of this.",
        "I hope that helps; happy to expand on any step.",
        "If you share more about your situation, I can make this more specific.",
    ]

    static let adjectives = [
        "clear", "practical", "reliable", "careful", "simple", "consistent", "small", "concrete",
        "realistic", "well-defined", "focused", "repeatable",
    ]

    static let nouns = [
        "assumption", "constraint", "example", "step", "measurement", "baseline", "goal", "pattern",
        "checklist", "definition", "edge case", "test", "plan", "summary",
    ]

    static let verbs = [
        "check", "compare", "write down", "measure", "simplify", "test", "review", "outline",
        "question", "sketch",
    ]
}

/// The subject of a prompt, as a short noun phrase for the generator to talk about.
enum Topic {
    static let stopwords: Set<String> = [
        "about", "above", "after", "again", "also", "been", "before", "being", "below", "between", "both",
        "could", "does", "doing", "down", "during", "each", "explain", "from", "give", "have", "having",
        "hello", "help", "here", "how", "into", "just", "know", "like", "list", "make", "more", "most", "much", "name",
        "need", "only", "other", "over", "please", "same", "should", "show", "some", "such", "tell",
        "than", "that", "their", "them", "then", "there", "these", "they", "thing", "things", "this",
        "those", "through", "under", "until", "very", "want", "what", "when", "where", "which", "while",
        "will", "with", "would", "write", "your", "yours", "image", "picture", "describe", "question",
    ]

    static func phrase(from prompt: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in prompt.unicodeScalars {
            if scalar.properties.isAlphabetic || (scalar == "-" && !current.isEmpty) {
                current.unicodeScalars.append(scalar)
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var picked: [String] = []
        for word in words {
            let lower = word.lowercased()
            guard lower.count >= 4, !stopwords.contains(lower), !picked.contains(lower) else { continue }
            picked.append(lower)
            if picked.count == 2 { break }
        }
        switch picked.count {
        case 0: return "this"
        case 1: return picked[0]
        default: return "\(picked[0]) and \(picked[1])"
        }
    }
}
