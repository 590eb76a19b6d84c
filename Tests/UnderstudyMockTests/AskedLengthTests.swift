import Testing
@testable import UnderstudyMock

@Suite("Asked length")
struct AskedLengthTests {
    @Test("a length in digits is read as a model would read it", arguments: [
        ("Write a 300-word story.", 400), ("Summarise this in 50 words", 66), ("in 100 WORDS please", 133),
        ("Give me 3 paragraphs about tides", 320), ("A 1000000-word novel", AskedLength.maxTokens), ("in 1 word", 8),
    ])
    func read(prompt: String, tokens: Int) {
        #expect(AskedLength.tokens(in: prompt) == tokens, "\(prompt)")
    }

    @Test("no length, or not one of words or paragraphs: nil", arguments: [
        "", "Write a story.", "word 300", "Call 300 wordsmiths", "gpt4-word", "version 2.300 words", "0 words", "300 sentences", "60 paragraphs",
        "1,000-word essay",
    ])
    func notRead(prompt: String) {
        #expect(AskedLength.tokens(in: prompt) == nil, "\(prompt)")
    }
}
