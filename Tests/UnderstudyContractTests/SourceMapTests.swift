import Testing
@testable import UnderstudyContract

/// Where a JSON pointer starts in a YAML file: recorded per node while loading, resolved by walking
/// the pointer through the loaded value (SourceMap), and duplicate keys found per mapping.
@Suite("Source map: file:line:column of a pointer")
struct SourceMapTests {
    static let yaml = """
    # where nodes start
    paths:
      /v1/a~b:
        get: {x: 1}
    list:
      - {a: 1, b: [1, 2]}
      - [x, y]
      - 0
      - 1
      - 2
      - 3
      - 4
      - 5
      - 6
      - 7
      - tenth
    m:
      a~1b: literal
      a/b: slash
    base: &base
      inner:
        deep: 1
    copy: *base
    after: 2
    """

    static func line(andColumnOf pointer: String) throws -> String {
        let location = try SpecDocument.parse(Array(yaml.utf8), file: "m.yaml").location(of: pointer)
        return "\(location.line):\(location.column)"
    }

    @Test("every node, through escapes, indices past siblings with subtrees, and anchors", arguments: [
        ("", "2:1"),
        ("/paths", "3:3"),
        ("/paths/~1v1~1a~0b", "4:5"),
        ("/paths/~1v1~1a~0b/get/x", "4:14"),
        ("/list", "6:3"),
        ("/list/0/b/1", "6:19"),
        ("/list/1/1", "7:9"),
        ("/list/9", "15:5"),
        ("/list/10", "16:5"),
        ("/m/a~1b", "19:8"),
        ("/m/a~01b", "18:9"),
        ("/base", "20:7"),
        ("/base/inner/deep", "22:11"),
        ("/after", "24:8"),
    ])
    func nodes(pointer: String, location: String) throws {
        #expect(try Self.line(andColumnOf: pointer) == location)
    }

    @Test("a pointer that leads nowhere reports its nearest ancestor", arguments: [
        ("/list/11", "6:3"),
        ("/list/01", "6:3"),
        ("/list/+1", "6:3"),
        ("/list/0/b/1/deeper", "6:19"),
        ("/paths/~1v1~1a~0b/get/missing", "4:10"),
        ("/paths//v1", "3:3"),
        ("/m/a~2b", "18:3"),
        // An alias has no position of its own: it and what it expands to report the mapping
        // that holds it.
        ("/copy", "2:1"),
        ("/copy/inner/deep", "2:1"),
        ("no-slash", "1:1"),
    ])
    func ancestors(pointer: String, location: String) throws {
        #expect(try Self.line(andColumnOf: pointer) == location)
    }

    @Test("a JSON document has no positions: every pointer is 1:1")
    func json() throws {
        let doc = try SpecDocument.parse(Array(#"{"a": {"b": [1, 2]}}"#.utf8), file: "j.json")
        #expect(doc.location(of: "/a/b/1").description == "j.json:1:1")
    }

    /// A mapping of `count` keys `k0`, `k1`… (and `a/b`, `a~1b`, distinct), then `repeated` again.
    static func mapping(count: Int, repeated: String) -> String {
        "outer:\n  a/b: 1\n  a~1b: 2\n" + (0..<count).map { "  k\($0): \($0)\n" }.joined() + "  \(repeated): again\n"
    }

    @Test("a duplicate key is an error at the repeated key, in small and large mappings", arguments: [
        (3, "k0", 7),
        (3, "k2", 7),
        (30, "k0", 34),
        (31, "k5", 35),
        (40, "k0", 44),
        (40, "k39", 44),
        (40, "a/b", 44),
        (40, "a~1b", 44),
    ])
    func duplicateKeys(count: Int, repeated: String, line: Int) {
        do {
            _ = try SpecDocument.parse(Array(Self.mapping(count: count, repeated: repeated).utf8), file: "d.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.location.description == "d.yaml:\(line):3", "\(error)")
            #expect(error.message == "duplicate key '\(repeated)'", "\(error)")
        }
    }

    @Test("keys only clash within one mapping", arguments: [3, 40])
    func sameKeysElsewhere(count: Int) throws {
        let inner = (0..<count).map { "k\($0): \($0)" }.joined(separator: ", ")
        let doc = try SpecDocument.parse(Array("a: {\(inner)}\nb: {\(inner)}\n".utf8), file: "s.yaml")
        #expect(doc.root["b"]?.objectValue?.count == count)
    }
}
