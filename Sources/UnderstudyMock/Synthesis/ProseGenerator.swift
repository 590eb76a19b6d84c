/// Writes plausible, deterministic assistant prose about the topic of the user's last message:
/// the same topic and generator state give the same words on every machine. It is not a language
/// model; it is enough for clients to render, stream, count and cut real-looking text.
public enum ProseGenerator {
    /// Prose of roughly `targetTokens` tokens (it finishes the sentence it is in).
    public static func reply(to prompt: String, targetTokens: Int, using rng: inout SplitMix64) -> String {
        let topic = Array(Topic.phrase(from: prompt).utf8)
        // Sentences are written one after another into one buffer (their ends kept), and the body
        // sentences used are bits of a word: no allocation per sentence or set.
        var written: [UInt8] = []
        written.reserveCapacity(8 * targetTokens + 128)
        var ends: [Int] = []
        var tokens = fill(rng.pick(Templates.openers), topic: topic, rng: &rng, into: &written)
        ends.append(written.count)
        precondition(Templates.body.count <= 64, "the body sentences used are bits of a UInt64")
        let all: UInt64 = Templates.body.count == 64 ? .max : (1 << UInt64(Templates.body.count)) - 1
        var used: UInt64 = 0
        while tokens < targetTokens {
            // A long answer (one the prompt asked for at length) goes round the sentences again.
            if used == all { used = 0 }
            var index = rng.int(in: 0...(body.count - 1))
            while used & (1 << UInt64(index)) != 0 { index = (index + 1) % body.count }
            used |= 1 << UInt64(index)
            tokens += fill(Templates.body[index], topic: topic, rng: &rng, into: &written) + 1
            ends.append(written.count)
        }
        if rng.int(in: 0...2) > 0 {
            _ = fill(rng.pick(Templates.closers), topic: topic, rng: &rng, into: &written)
            ends.append(written.count)
        }
        // Paragraphs of two to four sentences.
        var text: [UInt8] = []
        text.reserveCapacity(written.count + 2 * ends.count)
        var inParagraph = 0
        var paragraphLength = rng.int(in: 2...4)
        var start = 0
        for end in ends {
            if inParagraph == paragraphLength {
                text += [0x0A, 0x0A]
                inParagraph = 0
                paragraphLength = rng.int(in: 2...4)
            } else if !text.isEmpty {
                text.append(UInt8(ascii: " "))
            }
            text += written[start..<end]
            start = end
            inParagraph += 1
        }
        return String(decoding: text, as: UTF8.self)
    }


    /// A template split once into text and `{T}`opic, `{A}`djective, `{N}`oun and `{V}`erb slots:
    /// filling one is then byte copies, not a walk over `Character`s.
    enum Piece: Sendable {
        case text([UInt8])
        case topic, adjective, noun, verb
    }

    static func parse(_ template: String) -> [Piece] {
        var pieces: [Piece] = []
        var text: [UInt8] = []
        var bytes = Array(template.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "{"), let close = bytes.firstIndex(of: UInt8(ascii: "}")) else { text.append(b); continue }
            let slot: Piece? = switch String(decoding: bytes[..<close], as: UTF8.self) {
            case "T": .topic
            case "A": .adjective
            case "N": .noun
            case "V": .verb
            default: nil
            }
            if let slot {
                if !text.isEmpty { pieces.append(.text(text)) }
                text = []
                pieces.append(slot)
            } else {
                text += bytes[..<close]
            }
            bytes = bytes[(close + 1)...]
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// Writes one sentence from `template` at the end of `out`; returns its tokens.
    private static func fill(_ template: [Piece], topic: [UInt8], rng: inout SplitMix64, into out: inout [UInt8]) -> Int {
        let start = out.count
        for piece in template {
            switch piece {
            case .text(let bytes): out += bytes
            case .topic: out += topic
            case .adjective: out += rng.pick(Templates.adjectives)
            case .noun: out += rng.pick(Templates.nouns)
            case .verb: out += rng.pick(Templates.verbs)
            }
        }
        if start < out.count {
            let first = out[start]
            if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") {
                out[start] = first - 32
            } else if first >= 0x80 {
                // A topic that starts with a non-ASCII letter: capitalise it as a `Character`.
                let text = String(decoding: out[start...], as: UTF8.self)
                if let c = text.first, c.isLowercase {
                    out.removeSubrange(start...)
                    out += Array((c.uppercased() + text.dropFirst()).utf8)
                }
            }
        }
        return out[start...].withUnsafeBufferPointer { TokenPieces.count(utf8: $0) }
    }

    /// The word lists and templates below, as bytes and pieces, made once.
    private enum Templates {
        static let openers = ProseGenerator.openers.map(parse)
        static let body = ProseGenerator.body.map(parse)
        static let closers = ProseGenerator.closers.map(parse)
        static let adjectives = ProseGenerator.adjectives.map { Array($0.utf8) }
        static let nouns = ProseGenerator.nouns.map { Array($0.utf8) }
        static let verbs = ProseGenerator.verbs.map { Array($0.utf8) }
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

    /// A topic as a URL path segment: its first four words, lowercased, joined by hyphens.
    static func slug(_ topic: String) -> String {
        let slug = topic.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(4).joined(separator: "-")
        return slug.isEmpty ? "article" : slug
    }

    static func phrase(from prompt: String) -> String {
        var prompt = prompt
        let picked = prompt.withUTF8 { $0.allSatisfy { $0 < 0x80 } ? asciiPicks($0) : nil } ?? unicodePicks(prompt)
        switch picked.count {
        case 0: return "this"
        case 1: return picked[0]
        default: return "\(picked[0]) and \(picked[1])"
        }
    }

    /// The first two words of four letters or more that are not stop words, lowercased.
    private static func pickable(_ lower: String, _ picked: [String]) -> Bool {
        lower.count >= 4 && !stopwords.contains(lower) && !picked.contains(lower)
    }

    /// An ASCII prompt (the usual case), read as bytes; it stops at the second word picked.
    static func asciiPicks(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var picked: [String] = []
        // A word is a run of letters (and hyphens after its first letter): its bounds are kept and
        // only a word of four letters or more becomes a (lowercased) String.
        var start = -1
        func endWord(at end: Int) {
            defer { start = -1 }
            guard start >= 0, end - start >= 4 else { return }
            let lower = String(unsafeUninitializedCapacity: end - start) { out in
                for (n, b) in bytes[start..<end].enumerated() { out[n] = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b }
                return end - start
            }
            if !stopwords.contains(lower) && !picked.contains(lower) { picked.append(lower) }
        }
        for (i, b) in bytes.enumerated() {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): if start < 0 { start = i }
            case UInt8(ascii: "-") where start >= 0: break
            default:
                endWord(at: i)
                if picked.count == 2 { return picked }
            }
        }
        endWord(at: bytes.count)
        return Array(picked.prefix(2))
    }

    static func unicodePicks(_ prompt: String) -> [String] {
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
            guard pickable(lower, picked) else { continue }
            picked.append(lower)
            if picked.count == 2 { break }
        }
        return picked
    }
}
