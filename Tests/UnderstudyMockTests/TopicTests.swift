import Testing
@testable import UnderstudyMock

@Suite("The topic of a prompt")
struct TopicTests {
    @Test("an ASCII prompt's words are picked by bytes as by scalars: the same two words, every time")
    func asciiAsUnicode() {
        // Prompts from pieces that meet every rule: case, hyphens inside and at the edges, digits,
        // stop words, short words, punctuation, runs of separators.
        let pieces = ["What", "should", "I", "pack", "for", "a", "WEEKEND", "in", "the", "mountains", "-", "well-known",
                      "-dash", "trail-", "2024", "x86-64", "re-read", "?", ",", "  ", "Tides", "about", "this", "harbour's", "abc"]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let prompt = (0..<rng.int(in: 0...9)).map { _ in pieces[rng.int(in: 0...(pieces.count - 1))] }
                .joined(separator: rng.int(in: 0...3) == 0 ? "" : " ")
            var bytes = prompt
            let ascii = bytes.withUTF8 { Topic.asciiPicks($0) }
            #expect(ascii == Topic.unicodePicks(prompt), "\(prompt)")
        }
        #expect(Topic.phrase(from: "What should I pack for a weekend in the mountains?") == "pack and weekend")
    }
}
