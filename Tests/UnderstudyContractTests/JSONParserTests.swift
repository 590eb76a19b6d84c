import Testing
import UnderstudyContract

@Suite("JSON parser")
struct JSONParserTests {
    @Test("values of every kind, objects in order")
    func values() throws {
        let v = try JSONParser.parse(#" {"b":1,"a":[true,false,null,-2.5e3,"x\u00e9\n"],"c":{}} "#)
        #expect(v.objectValue?.keys == ["b", "a", "c"])
        #expect(v["b"] == .int(1))
        #expect(v["a"] == .array([.bool(true), .bool(false), .null, .double(-2500), .string("xé\n")]))
        #expect(v["c"] == .object([:]))
    }

    @Test("numbers: 64-bit integers stay exact, larger ones become decimals")
    func numbers() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONParser.parse("-0") == .int(0))
    }

    @Test("surrogate pairs decode; invalid input is an error with a position", arguments: [
        (#"{"a":1,}"#, "expected a string key", 1, 8),
        ("{\n  \"a\": tru }", "Invalid literal", 2, 8),
        (#"[1 2]"#, "expected ',' or ']'", 1, 4),
        (#""\ud83d""#, "Unpaired UTF-16 surrogate", 1, 2),
        (#""\x""#, "Invalid escape", 1, 2),
        ("", "empty", 1, 1),
        ("01", "leading zeros", 1, 1),
        ("1.", "after '.'", 1, 3),
        ("[1e]", "exponent", 1, 4),
    ])
    func errors(input: String, fragment: String, line: Int, column: Int) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
        do {
            _ = try JSONParser.parse(input)
        } catch {
            #expect(error.message.contains(fragment), "\(error)")
            #expect(error.line == line && error.column == column, "\(error)")
        }
    }

    @Test("surrogate pairs make one scalar")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xE2, 0x82, 0x22]) }
    }

    @Test("depth is bounded, so hostile nesting cannot overflow the stack")
    func depth() throws {
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 1_000_000)) }
    }
}

@Suite("JSON writer and canonical form")
struct JSONWriterTests {
    @Test("round trip keeps key order and escapes what it must")
    func roundTrip() throws {
        let text = #"{"z":"a\"b\\c\n\t\u0001é😀","y":[1,-2,0.5,1e+100,null,true],"x":{}}"#
        let value = try JSONParser.parse(text)
        #expect(value.jsonString == text)
        #expect(try JSONParser.parse(value.jsonBytes) == value)
    }

    @Test("strings are escaped right wherever the character falls, eight bytes at a time or one (every length to 40, every position)")
    func escapingAtEveryPosition() throws {
        func reference(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case let c where c.value < 0x20: out += "\\u00" + String(c.value >> 4, radix: 16) + String(c.value & 0xF, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{7F}", " ", "é", "😀"] {
            for length in 0...40 {
                for position in 0..<max(length, 1) {
                    let text = String((0..<length).map { $0 == position ? Character(special) : "a" })
                    var w = JSONWriter()
                    w.string(text)
                    #expect(String(decoding: w.bytes, as: UTF8.self) == reference(text), "\(special.debugDescription) at \(position) of \(length)")
                    #expect(try JSONParser.parse(w.bytes) == .string(text))
                }
            }
        }
    }

    @Test("the writer places commas itself")
    func writer() {
        var w = JSONWriter()
        w.beginObject()
        w.key("a"); w.int(1)
        w.key("b"); w.beginArray(); w.string("x"); w.null(); w.bool(false); w.double(2.5); w.endArray()
        w.key("c"); w.beginObject(); w.endObject()
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":1,"b":["x",null,false,2.5],"c":{}}"#)
    }

    @Test("commas stay right past 64 open containers (where the writer's bits give way to an array) and after a prefix is continued")
    func deepNesting() throws {
        var w = JSONWriter()
        for _ in 0..<100 { w.beginArray(); w.int(1) }
        for _ in 0..<100 { w.int(2); w.endArray() }
        let text = String(repeating: "[1,", count: 100) + "2]" + String(repeating: ",2]", count: 99)
        #expect(String(decoding: w.bytes, as: UTF8.self) == text)
        #expect(try JSONParser.parse(w.bytes, maximumDepth: 200).jsonString == text)
        var prefix = JSONWriter()
        prefix.beginObject(); prefix.key("id"); prefix.string("x")
        for n in 1...2 {
            var frame = JSONWriter(continuing: prefix, capacity: 16)
            frame.key("n"); frame.int(n); frame.endObject()
            #expect(String(decoding: frame.bytes, as: UTF8.self) == #"{"id":"x","n":\#(n)}"#)
        }
    }

    @Test("canonical form ignores key order, spelling of integral numbers and duplicates resolved to the last")
    func canonical() throws {
        let a = try JSONParser.parse(#"{"b":[1,{"y":2,"x":1}],"a":"s"}"#)
        let b = try JSONParser.parse(#"{"a":"s","b":[1.0,{"x":1,"y":2e0}]}"#)
        let c = try JSONParser.parse(#"{"a":"t","a":"s","b":[1,{"x":1,"y":2}]}"#)
        #expect(String(decoding: a.canonicalBytes, as: UTF8.self) == #"{"a":"s","b":[1,{"x":1,"y":2}]}"#)
        #expect(a.canonicalHash == b.canonicalHash)
        #expect(a.canonicalHash == c.canonicalHash)
        #expect(a.canonicalHash != (try JSONParser.parse(#"{"a":"s","b":[2,{"x":1,"y":2}]}"#)).canonicalHash)
        // Without some top-level keys: given the whole hash, the same as hashing again.
        for text in [#"{"a":"s","b":[1]}"#, #"{"a":"s","stream":true,"b":[1]}"#, #"{"stream":false}"#, "[1,2]", #""s""#] {
            let value = try JSONParser.parse(text)
            #expect(value.canonicalHash(excludingTopLevelKeys: ["stream"], whole: value.canonicalHash)
                    == value.canonicalHash(excludingTopLevelKeys: ["stream"]), "\(text)")
        }
    }

    @Test("the stable hash is fixed: the same value on every machine and run")
    func stableHash() {
        // Pinned (values from an independent Python FNV-1a + SplitMix64): a change here changes
        // every id and text the mock has ever given.
        #expect(StableHash.hash("") == 0xc381_7c01_6ba4_ff30)
        #expect(StableHash.hash("understudy") == 0x837d_b2c6_bc16_b1c5)
        #expect(StableHash.hash("understudy") == StableHash.hash(Array("understudy".utf8)))
        #expect(StableHash.hash("a") != StableHash.hash("b"))
    }
}
