import Testing
import UnderstudyContract

/// Our linear-time pattern engine: the same answers as a backtracking engine on ordinary patterns,
/// every pattern of the specs compiles, what cannot be linear is refused, and hostile patterns are
/// answered (a backtracking engine would not return from these tests).
@Suite("Pattern engine")
struct PatternTests {
    static let patterns = [
        "ping", "(?i)weather in understudyville", "^\\s*ping\\s*$", "^a|b", "^(a|b)c", "^[|]x", "(?m)^x", "a.b", "^\\|",
        "^[a-zA-Z0-9_-]+$", "^[A-Za-z0-9_.-]+$", "^tunnel_[a-z0-9]{32}$", "\\b(sk-[a-zA-Z0-9]{48})\\b",
        "^[a-zA-Z0-9_]+(?:[.-][a-zA-Z0-9_]+)*$", "^\\d{4}-\\d{2}-\\d{2}$", "^[\\w-]+$", "^[a-z0-9]+(?:-[a-z0-9]+)*$",
        "^https:\\/\\/([^:@]+)(?::[^@]*)?@([^/]+)(?:\\/[^/]+)*\\/(\\d+)\\/?$", "^[a-f0-9]{64}$",
        "^\\s*(?i:hello|hi|hey|good (morning|afternoon|evening))\\b[^\\n]{0,20}$",
        "colou?r", "^a{2,3}$", "^a{2,}$", "^(ab)*$", "^(ab)+?c", "x*?y", "[^abc]+", "^\\D+$", "\\W", "\\S\\s\\S", "\\Bb\\B",
        "^$", "(?i)[a-c]+$", "^(?:foo|bar|baz)+$", "a|", "(|x)y", "[.]", "\\.", "\\x41", "\\u0042", "\\t", "a{,2}", "^.*$",
        "(?s)^a.b$", "[\\d.]+", "[a-]", "(?i)AbC", "x(abc)+y", "foo\\b bar", "(?i)is the weather", "b{2}ab",
        // Not ^(\w+\s?)+\?$, ^(a|a)*$ or (a*)*b: Swift's Regex takes 2^n steps on some of these texts.
    ]

    static let texts = [
        "", "ping", "  ping  ", "PING", "b", "ac", "bc", "|x", "y\nx", "a-b", "|", "What is the WEATHER in Understudyville?",
        "weather in understudyvill", "x\nping", "ab", "zzb", "hello there", "Good evening, friend", "hey", "hi!", "high",
        "tunnel_0123456789abcdef0123456789abcdef", "2025-07-01", "2025-7-01", "my-org.name_1", "a..b", "foo-bar-", "foo-bar",
        "https://user:pw@host/a/b/42/", "https://host/42", "color", "colour", "aa", "aaaa", "ababab", "ababc", "xxxy",
        "\ta\tb", "a\nb", "abc", "ABC", "foobarbaz", "y", "A", "B", "a{,2}", "3.14", "-", "how are you?", "how are you",
        "aaaaaaaaaaaa!", "aaaab", "sk-" + String(repeating: "x", count: 48), "xabcabcy", "xaby", "foo bar", "IS THE Weather",
        "bbab",
        // Not "e\u{301}", "\r\n" or "é": Swift's Regex matches grapheme clusters and Unicode \w, ECMA-262 (and we) scalars and ASCII.
    ]

    @Test("answers as Swift's backtracking Regex does on ordinary patterns", arguments: patterns)
    func agreesWithRegex(_ source: String) throws {
        let pattern = try Pattern(source)
        let regex = try Regex(source)
        for text in Self.texts {
            #expect(pattern.matches(text) == ((try? regex.firstMatch(in: text)) != nil), "\(source) on \(text.debugDescription)")
        }
    }

    @Test("ECMA-262 meanings where Swift's Regex differs: \\d, \\w and \\b are ASCII; a line terminator ends '.'")
    func ecmaMeanings() throws {
        #expect(try !Pattern("^\\d$").matches("٣"))
        #expect(try !Pattern("^\\w+$").matches("héllo"))
        #expect(try Pattern("^\\s$").matches("\u{2028}"))
        #expect(try !Pattern("^.$").matches("\u{2028}"))
        #expect(try Pattern("^\\p{L}+$").matches("héllo"))
        #expect(try !Pattern("^\\p{Lu}").matches("élan"))
        #expect(try Pattern("^\\P{N}+$").matches("abc"))
        #expect(try Pattern("(?i)k").matches("\u{212A}"))
        #expect(try Pattern("(?i)[à-ÿ]").matches("À"))
    }

    @Test("a run of text every match needs is looked for first: in either case under (?i), and text that is not ASCII still goes to the automaton")
    func requiredText() throws {
        let weather = try Pattern("(?i)weather in understudyville")
        #expect(weather.matches("WHAT IS THE WEATHER IN UNDERSTUDYVILLE?"))
        #expect(!weather.matches("weather in understudyvill"))
        #expect(!weather.matches(String(repeating: "weather in ", count: 1000)))
        // The Kelvin sign folds to k: no ASCII search may turn this away.
        #expect(try Pattern("(?i)kelvin").matches("\u{212A}ELVIN"))
        #expect(try Pattern("(?i)kelvin").matches("é kelvin"))
        #expect(try !Pattern("(?i)kelvin").matches("é kelvi"))
        // Zero-width assertions between the letters keep the run; a repeat required once keeps its body's.
        #expect(try Pattern("ab\\Bcd").matches("xabcdx"))
        #expect(try Pattern("x(?:abc){2,}y").matches("xabcabcy"))
        #expect(try !Pattern("x(?:abc){2,}y").matches("xabcy"))
    }

    @Test("every pattern of specs/openai.yaml compiles (none is left unchecked)")
    func specPatterns() throws {
        let contract = try OpenAIContract.embedded()
        #expect(!contract.warnings.contains { $0.message.contains("pattern") }, "\(contract.warnings.filter { $0.message.contains("pattern") })")
    }

    @Test("every pattern of the official document compiles", .enabled(if: SpecLoadingTests.officialPath != nil, SpecLoadingTests.withoutOfficialDocument))
    func officialPatterns() throws {
        let contract = try OpenAIContract.load(path: try #require(SpecLoadingTests.officialPath))
        #expect(!contract.warnings.contains { $0.message.contains("pattern") }, "\(contract.warnings.filter { $0.message.contains("pattern") })")
    }

    @Test("what cannot be matched in linear time, or makes no sense, is refused with a reason", arguments: [
        ("(a)\\1", "backreference"), ("(?<n>a)\\k<n>", "backreference"), ("a(?=b)", "lookahead"), ("a(?!b)", "lookahead"),
        ("(?<=a)b", "lookbehind"), ("(?<!a)b", "lookbehind"), ("a++", "possessive"), ("a{3,1}", "bounds that make no sense"),
        ("^a{-5}$", "bounds that make no sense"), ("(a", "unterminated group"), ("a)", "unbalanced"), ("[a", "unterminated character class"),
        ("*a", "nothing to repeat"), ("^*", "nothing to repeat"), ("[z-a]", "out of order"), ("\\q", "unknown escape"), ("a\\", "backslash"),
        ("\\p{Greek}", "Unicode property"), ("^((a{1000}){1000}){1000}$", "more than 10000 instructions"),
        ("(a{100}){101}", "more than 10000 instructions"), (String(repeating: "(", count: 101) + String(repeating: ")", count: 101), "nested deeper"),
        (String(repeating: "a", count: 500_000), "more than 10000 instructions"),
    ])
    func refused(_ source: String, _ fragment: String) {
        #expect(throws: PatternError.self) { try Pattern(source) }
        do {
            _ = try Pattern(source)
        } catch {
            #expect(error.description.contains(fragment), "\(source.prefix(40)): \(error)")
        }
    }

    @Test("hostile patterns are answered in one pass; the work is bounded by the program's size")
    func hostile() throws {
        #expect(try !Pattern("^(a|a)*$").matches(String(repeating: "a", count: 34) + "!"))
        let words = Array(repeating: "word", count: 16).joined(separator: " ")
        #expect(try !Pattern("^(\\w+\\s?)+\\?$").matches(words))
        #expect(try Pattern("^(\\w+\\s?)+\\?$").matches(words + "?"))
        #expect(try !Pattern("(a*)*b").matches(String(repeating: "a", count: 10_000)))
        #expect(try !Pattern("^(a+)+$").matches(String(repeating: "a", count: 10_000) + "b"))
        let doubled = try Pattern("^(?:a?){500}a{500}$")
        #expect(doubled.instructionCount <= 1_600)
        #expect(doubled.matches(String(repeating: "a", count: 500)))
        #expect(!doubled.matches(String(repeating: "a", count: 1_001)))
        // Repeating what matches nothing costs nothing, however large the count.
        #expect(try Pattern("(?:){1000000}x").instructionCount == 2)
        #expect(try Pattern("(?:){99999,}x").instructionCount == 2)
    }

    @Test("a validator with a step limit charges a match its worst case, before running it")
    func chargedMatches() throws {
        let schema = try InlineSchemas().compile(JSONParser.parse(Array(#"{"type":"string","pattern":"(?:a?){4990}b"}"#.utf8))).schema
        let long = JSONValue.string(String(repeating: "a", count: 100_000) + "b")
        var limited = SchemaValidator()
        limited.stepLimit = 1_000_000
        // 100,002 × 9,982 steps is over 62 million schema applications' worth: refused unmatched.
        #expect(limited.validate(long, against: schema).map(\.keyword) == ["budget"])
        // A short string fits, and is matched.
        #expect(limited.validate(.string("aab"), against: schema).isEmpty)
        #expect(limited.validate(.string("aaa"), against: schema).map(\.keyword) == ["pattern"])
        // Without a limit (trusted specs), the match runs.
        #expect(SchemaValidator().validate(.string(String(repeating: "a", count: 1_000) + "b"), against: schema).isEmpty)
    }
}
