/// How long a prompt asks the answer to be, as a model would follow it: "a 300-word story",
/// "in 50 words", "two paragraphs" is not read (numbers in digits only). A recorded example:
/// pydantic-ai's compact_stateful_mode cassettes (2026-04) ask for 300-word stories and get
/// ~390 output tokens each. Read over the prompt's bytes: every plain answer pays for it.
enum AskedLength {
    /// Tokens per word of English prose (OpenAI's rule of thumb: 100 tokens ~ 75 words).
    static let tokensPerWord = 4.0 / 3.0
    /// Words in a paragraph, for "N paragraphs".
    static let wordsPerParagraph = 80
    /// The longest answer a prompt can ask for here (max_tokens still cuts it sooner).
    static let maxTokens = 4096

    /// The target in tokens, or nil when the prompt names no length.
    static func tokens(in prompt: String) -> Int? {
        var prompt = prompt
        return prompt.withUTF8 { bytes -> Int? in
            var i = 0
            while i < bytes.count {
                guard bytes[i] >= 0x30 && bytes[i] <= 0x39, i == 0 || !isWordByte(bytes[i - 1]) else { i += 1; continue }
                var number = 0
                while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                    number = min(number * 10 + Int(bytes[i] - 0x30), 1_000_000)
                    i += 1
                }
                var j = i
                if j < bytes.count, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: " ") { j += 1 }
                if number > 0, startsWith(bytes, at: j, "word") {
                    return min(max(Int(Double(number) * tokensPerWord), 8), maxTokens)
                }
                if number > 0, number <= 50, startsWith(bytes, at: j, "paragraph") {
                    return min(Int(Double(number * wordsPerParagraph) * tokensPerWord), maxTokens)
                }
            }
            return nil
        }
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: ".") || b == UInt8(ascii: ",")
    }

    /// Whether `word` (or its plural) stands at `start` as a whole word.
    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ word: StaticString) -> Bool {
        guard start + word.utf8CodeUnitCount <= bytes.count else { return false }
        for k in 0..<word.utf8CodeUnitCount where bytes[start + k] | 0x20 != word.utf8Start[k] { return false }
        var end = start + word.utf8CodeUnitCount
        if end < bytes.count, bytes[end] | 0x20 == UInt8(ascii: "s") { end += 1 }
        return end == bytes.count || bytes[end] | 0x20 < 0x61 || bytes[end] | 0x20 > 0x7A
    }
}
