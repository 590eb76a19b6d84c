import Testing
@testable import UnderstudyContract

@Suite("JSON pointers (RFC 6901)")
struct JSONPointerTests {
    @Test("escape and unescape are inverses, whatever the key holds", arguments: [
        "plain", "", "~", "/", "~0", "~1", "a/b~c", "/v1/chat/completions", "application/json",
        "é/ü~ß", "/\u{301}x", "~\u{301}", "x~0\u{301}", "👩‍👩‍👧/~",
    ])
    func roundTrip(key: String) {
        let escaped = JSONPointer.escape(key)
        #expect(!escaped.contains("/"))
        #expect(JSONPointer.unescape(Substring(escaped)) == key)
        #expect(JSONPointer.tokens("/" + escaped + "/" + escaped) == [key, key])
    }

    @Test("a tilde that escapes nothing stays", arguments: [("~2", "~2"), ("~", "~"), ("a~", "a~"), ("~~0", "~~"), ("~01", "~1"), ("~10", "/0")])
    func looseTildes(token: String, unescaped: String) {
        #expect(JSONPointer.unescape(Substring(token)) == unescaped)
    }

    @Test("tokens: the whole document, empty tokens, and no leading slash")
    func tokens() {
        #expect(JSONPointer.tokens("") == [])
        #expect(JSONPointer.tokens("/") == [""])
        #expect(JSONPointer.tokens("/a~1b//~0") == ["a/b", "", "~"])
        #expect(JSONPointer.tokens("a/b") == nil)
        #expect(JSONPointer.resolve("/paths/~1v1~1x/0", in: .object(["paths": .object(["/v1/x": .array([.int(7)])])])) == .int(7))
    }

    @Test("percent-decoding a $ref fragment", arguments: [
        ("/a%7Bb%7D", "/a{b}"), ("/no-escapes", "/no-escapes"), ("/bad%zz%", "/bad%zz%"), ("%C3%A9", "é"),
    ])
    func percentDecoded(text: String, decoded: String) {
        #expect(JSONPointer.percentDecoded(text) == decoded)
    }
}
