import NIOCore
import Testing
import UnderstudyRedis

/// Feeds the chunks to one decoder, as reads from one connection, and returns every reply.
private func decode(_ chunks: [[UInt8]]) throws -> [RESPValue] {
    let processor = NIOSingleStepByteToMessageProcessor(RESPDecoder())
    var replies: [RESPValue] = []
    for chunk in chunks {
        try processor.process(buffer: ByteBuffer(bytes: chunk)) { replies.append($0) }
    }
    return replies
}

private func decode(_ text: String) throws -> [RESPValue] {
    try decode([Array(text.utf8)])
}

/// The error a malformed input throws, or nil when it decodes (completely or not).
private func violation(_ text: String) -> RedisError? {
    do {
        _ = try decode(text)
        return nil
    } catch {
        return error as? RedisError
    }
}

@Suite("RESP2 decoder")
struct RESPDecoderTests {
    @Test("every reply type")
    func types() throws {
        #expect(try decode("+OK\r\n") == [.simpleString("OK")])
        #expect(try decode("+\r\n") == [.simpleString("")])
        #expect(try decode("-ERR wrong type\r\n") == [.error("ERR wrong type")])
        #expect(try decode(":0\r\n:42\r\n:-7\r\n") == [.integer(0), .integer(42), .integer(-7)])
        #expect(try decode(":9223372036854775807\r\n:-9223372036854775808\r\n") == [.integer(.max), .integer(.min)])
        #expect(try decode("$5\r\nhello\r\n") == [.bulkString(Array("hello".utf8))])
        #expect(try decode("$0\r\n\r\n") == [.bulkString([])])
        #expect(try decode("$-1\r\n") == [.bulkString(nil)])
        // A bulk string is binary: CR, LF and NUL inside are data.
        #expect(try decode("$4\r\n\r\n\0x\r\n") == [.bulkString([13, 10, 0, 120])])
        #expect(try decode("*0\r\n") == [.array([])])
        #expect(try decode("*-1\r\n") == [.array(nil)])
    }

    @Test("arrays, nested and mixed, with nulls inside")
    func arrays() throws {
        let text = "*3\r\n:1\r\n*2\r\n$1\r\na\r\n*1\r\n*0\r\n$-1\r\n*2\r\n*-1\r\n-ERR x\r\n"
        #expect(try decode(text) == [
            .array([.integer(1), .array([.bulkString([97]), .array([.array([])])]), .bulkString(nil)]),
            .array([.array(nil), .error("ERR x")]),
        ])
        // XREVRANGE's shape: entries of [id, [field, value, …]].
        let stream = "*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
        #expect(try decode(stream) == [.array([.array([.bulkString(Array("1-0".utf8)), .array([.bulkString([107]), .bulkString([118])])])])])
    }

    @Test("a buffer of many replies split at every byte offset, and fed a byte at a time")
    func splits() throws {
        let text = "+OK\r\n-ERR no\r\n:-12\r\n$6\r\nfoo\r\nb\r\n$-1\r\n*-1\r\n*0\r\n*2\r\n*2\r\n:1\r\n$0\r\n\r\n+x\r\n:3\r\n"
        let bytes = Array(text.utf8)
        let whole = try decode([bytes])
        #expect(whole.count == 9)
        for offset in 0...bytes.count {
            #expect(try decode([Array(bytes[..<offset]), Array(bytes[offset...])]) == whole, "split at \(offset)")
        }
        #expect(try decode(bytes.map { [$0] }) == whole)
    }

    @Test("a truncated reply yields nothing yet and consumes nothing that is not complete")
    func incomplete() throws {
        #expect(try decode("$5\r\nhel") == [])
        #expect(try decode("*2\r\n:1\r\n") == [])
        #expect(try decode(":12") == [])
        #expect(try decode("+OK\r") == [])
    }

    @Test("malformed input is a protocol violation, not a crash", arguments: [
        "?what\r\n",            // bad type byte
        "hello\r\n",
        "+OK\n",                // LF without CR
        "+OK\rX\r\n",           // CR without LF
        ":12a\r\n",             // not a number
        ":\r\n",
        ":+5\r\n",
        ":99999999999999999999\r\n",
        "$-2\r\n",              // negative lengths other than -1
        "*-5\r\n",
        "$abc\r\n",
        "$3\r\nabcde\r\n",      // body longer than its length
        "$3\r\nab\r\n\r\n",     // body shorter: the byte after the length is not CR LF
        "$536870913\r\n",       // over 512 MB: refused before allocating
        "$9223372036854775807\r\n",
        "*16777217\r\n",        // over 16 M elements
        "*1\r\n?\r\n",          // bad type inside an array
    ])
    func malformed(_ text: String) {
        let error = violation(text)
        #expect(error?.kind == .protocolViolation, "\(text.debugDescription) gave \(String(describing: error))")
    }

    @Test("limits: a line without CRLF, arrays nested without end")
    func limits() {
        let long = "+" + String(repeating: "a", count: RESPDecoder.maximumLineLength + 2)
        #expect(violation(long)?.kind == .protocolViolation)
        let deep = String(repeating: "*1\r\n", count: RESPDecoder.maximumDepth + 1)
        #expect(violation(deep)?.kind == .protocolViolation)
        // Within the limits, a large claimed count allocates nothing up front and waits.
        #expect(violation("*16777216\r\n") == nil)
        #expect(violation("$536870912\r\n") == nil)
    }

    @Test("conveniences on RESPValue")
    func conveniences() {
        #expect(RESPValue.integer(5).int == 5)
        #expect(RESPValue.bulkString(Array("-17".utf8)).int == -17)
        #expect(RESPValue.bulkString(Array("1.5".utf8)).int == nil)
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.bulkString(Array("é".utf8)).string == "é")
        #expect(RESPValue.bulkString([0xFF]).string == nil)
        #expect(RESPValue.bulkString([1, 2]).bytes == [1, 2])
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.error("ERR x").errorMessage == "ERR x")
        #expect(RESPValue.bulkString(nil).isNull && RESPValue.array(nil).isNull)
        #expect(!RESPValue.bulkString([]).isNull && !RESPValue.array([]).isNull)
    }
}

@Suite("RESP2 encoding and addresses")
struct RedisCommandTests {
    @Test("a command is an array of bulk strings; arguments of every kind")
    func encoding() {
        var buffer = ByteBuffer()
        RedisCommand("SET", "k", [UInt8]([0, 13, 10]), 42, Int64(-1), UInt64.max).write(into: &buffer)
        let expected = "*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\0\r\n\r\n$2\r\n42\r\n$2\r\n-1\r\n$20\r\n18446744073709551615\r\n"
        #expect(buffer.readString(length: buffer.readableBytes) == expected)
        #expect(RedisCommand("get", "secret-key").name == "GET")
        #expect(RedisCommand(arguments: [Array("INCR".utf8), Array("k".utf8)]) == RedisCommand("INCR", "k"))
    }

    @Test("redis:// URLs")
    func addresses() throws {
        #expect(try RedisAddress(url: "redis://localhost") == RedisAddress(host: "localhost"))
        #expect(try RedisAddress(url: "redis://10.0.0.5:6380/3") == RedisAddress(host: "10.0.0.5", port: 6380, database: 3))
        #expect(try RedisAddress(url: "REDIS://h:7000/") == RedisAddress(host: "h", port: 7000))
        #expect(try RedisAddress(url: "redis://[::1]:6379/1") == RedisAddress(host: "::1", database: 1))
        let withPassword = try RedisAddress(url: "redis://:p%40ss@h:1/2")
        #expect(withPassword == RedisAddress(host: "h", port: 1, database: 2, password: "p@ss"))
        #expect(withPassword.description == "redis://h:1/2")
        #expect(try RedisAddress(url: "redis://me:pw@h").username == "me")
        #expect(try RedisAddress(url: "redis://[::1]").description == "redis://[::1]:6379/0")
    }

    @Test("anything else is refused with a clear message that never repeats the URL", arguments: [
        ("rediss://h:6379", "TLS"),
        ("unix:///tmp/redis.sock", "Unix"),
        ("http://h:6379", "scheme"),
        ("h:6379", "scheme"),
        ("redis://", "no host"),
        ("redis://h:0", "port"),
        ("redis://h:65536", "port"),
        ("redis://h:x", "port"),
        ("redis://h/x", "database"),
        ("redis://h/-1", "database"),
        ("redis://h:1?db=2", "query"),
        ("redis://secret@h", "credentials"),
        ("redis://:bad%zz@h", "percent"),
        ("redis://[::1", "unclosed"),
        ("redis://[::1]x", "unexpected"),
    ])
    func invalid(_ url: String, _ expected: String) {
        do {
            let address = try RedisAddress(url: url)
            Issue.record("\(url) parsed as \(address)")
        } catch {
            #expect(error.kind == .invalidAddress)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("secret") && !error.message.contains("zz"))
        }
    }
}
