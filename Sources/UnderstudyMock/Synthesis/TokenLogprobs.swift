import UnderstudyContract

/// Log probabilities for the tokens of an answer (`logprobs` in Chat Completions,
/// `include: ["message.output_text.logprobs"]` in Responses): deterministic in the token, its
/// position and the seed, and plausible — every value negative, the chosen token the most likely
/// of its alternatives, which are ranked by falling probability.
enum TokenLogprobs {
    /// One entry: `{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}…]}`.
    static func write(_ w: inout JSONWriter, token: Substring, position: Int, top: Int, seed: UInt64) {
        var rng = SplitMix64(seed: StableHash.combine(StableHash.hash(String(token)), seed, UInt64(position)))
        // Mostly confident (near 0), now and then a real choice between candidates.
        let chosen = -Double(rng.int(in: 0...1000)) / 1000 * (rng.int(in: 0...9) == 0 ? 2.5 : 0.25) - 0.000_01
        entry(&w, token, chosen)
        w.key("top_logprobs")
        w.beginArray()
        var logprob = chosen
        for rank in 0..<top {
            w.beginObject()
            if rank == 0 {
                fields(&w, token, chosen)
            } else {
                logprob -= Double(rng.int(in: 200...2500)) / 1000
                fields(&w, alternative(token, rank), logprob)
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func entry(_ w: inout JSONWriter, _ token: Substring, _ logprob: Double) {
        w.beginObject()
        fields(&w, token, logprob)
    }

    private static func fields(_ w: inout JSONWriter, _ token: Substring, _ logprob: Double) {
        w.key("token"); w.string(String(token))
        w.key("logprob"); w.double((logprob * 1_000_000).rounded() / 1_000_000)
        w.key("bytes"); w.beginArray(); for b in token.utf8 { w.int(Int(b)) }; w.endArray()
    }

    /// A token the model might have written instead: the same word in another case, or a
    /// neighbouring common word.
    private static func alternative(_ token: Substring, _ rank: Int) -> Substring {
        let leading = token.prefix { $0 == " " }
        let word = token.dropFirst(leading.count)
        let common = ["the", "a", "and", "of", "to", "in", "is", "that", "it", "for", "on", "with", "as", "this", "by", "an", "be", "or", "are", "from"]
        if rank == 1, let first = word.first, first.isLetter {
            let flipped = first.isUppercase ? first.lowercased() : first.uppercased()
            return Substring(String(leading) + flipped + word.dropFirst())
        }
        let index = Int(StableHash.hash(String(token)) % UInt64(common.count))
        return Substring(String(leading.isEmpty ? " " : leading) + common[(index + rank) % common.count])
    }
}
