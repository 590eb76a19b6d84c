import Testing
import UnderstudyContract
@testable import UnderstudyMock
#if canImport(Yams)
import Yams
#endif

/// The fixture reader (`YAMLTree` + `YAMLDocument`, straight on libyaml) replaced Yams' node tree,
/// which linked Foundation and ICU into the binary. Files must read as they did.
@Suite("Fixture YAML: libyaml's tree, read as Yams read it")
struct FixtureYAMLTests {
    /// Plain words and numbers, and the same text quoted or in a block.
    static let scalars = [
        "yes", "No", "ON", "off", "True", "FALSE", "y", "0x1F", "-0x1f", "0o17", "017", "09", "0b101", "1_000", "+5", "-0",
        "0", "00", "1:30", "-1:30:00", "1:60", "1e3", "1.5e-3", ".5", "5.", ".Inf", "-.INF", ".nan", "nan", "inf",
        "~", "null", "Null", "12abc", "2024-01-01", "0.5", "+", ":30", "99999999999999999999",
        "9223372036854775807:1", "'yes'", "\"5\"", "'0x1F'", "\"\"", "!!str 5", "!!str yes",
    ]

    static func document(_ text: String) throws -> YAMLDocument {
        try YAMLDocument.parse(text, file: "t.yaml")
    }

    @Test("plain scalars: YAML 1.1's words and numbers; quoted ones are strings")
    func words() throws {
        let values = try Self.document(["yes", "No", "'yes'", "0x1F", "017", "09", "1_000", "1:30", "-1:30:00", "1e3", ".Inf", "~", "''", "|\n  5"].map { "- \($0)\n" }.joined()).json()
        #expect(values == .array([.bool(true), .bool(false), .string("yes"), .int(31), .int(15), .double(9), .int(1000),
                                  .int(90), .int(-5400), .double(1000), .double(.infinity), .null, .string(""), .string("5\n")]))
        #expect(try Self.document("v: 9223372036854775807:1\n").json()["v"] == .double(9223372036854775807 * 60 + 1), "an overflowing base-60 integer is not one (Yams trapped on it)")
    }

    #if canImport(Yams)
    /// The old reader: Yams' node and its typed accessors, as YAMLDocument used them.
    static func yamsJSON(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            return .object(JSONObject(mapping.map { (key: $0.key.string ?? "", value: yamsJSON($0.value)) }))
        case .sequence(let sequence):
            return .array(sequence.map(yamsJSON))
        default:
            if let scalar = node.scalar, scalar.style == .plain {
                if ["null", "Null", "NULL", "~", ""].contains(scalar.string) { return .null }
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .int(Int64(i)) }
                if let d = node.float { return .double(d) }
            }
            return .string(node.string ?? "")
        }
    }

    @Test("every scalar of the corpus reads as Yams read it", arguments: scalars.filter { $0 != "9223372036854775807:1" && !$0.hasPrefix("!!str") })
    func sameScalar(text: String) throws {
        let yaml = "v: \(text)\n"
        let ours = try Self.document(yaml)
        let theirs = try #require(try Yams.compose(yaml: yaml))
        #expect(String(describing: ours.json()) == String(describing: Self.yamsJSON(theirs)), "\(text)")
        var fields = try YAMLFields(ours, what: "t")
        let field = try #require(fields.optional("v") ?? Optional(ours))
        #expect((try? field.int("v")) == theirs["v"]?.int, "\(text)")
        #expect((try? field.bool("v")) == theirs["v"]?.bool, "\(text)")
    }

    @Test("the embedded fixtures and the clients' scenarios read as Yams read them", arguments: ["models", "replies", "scenarios", "clients"])
    func sameFiles(name: String) throws {
        let text = switch name {
        case "models": EmbeddedFixtures.modelsYAML
        case "replies": EmbeddedFixtures.repliesYAML
        case "scenarios": EmbeddedFixtures.scenariosYAML
        default: String(decoding: try #require(FileBytes.read(FixtureTests.root + "/Tests/clients/scenarios.yaml")), as: UTF8.self)
        }
        let theirs = try #require(try Yams.compose(yaml: text))
        #expect(String(describing: try Self.document(text).json()) == String(describing: Self.yamsJSON(theirs)))
    }
    #endif

    @Test("a repeated key is an error at the repeat, in small and large mappings", arguments: [3, 40_000])
    func repeatedKey(keys: Int) {
        var text = (0..<keys).map { "k\($0): \($0)\n" }.joined()
        text += "k1: again\n"
        #expect(throws: FixtureError.self) { try Self.document(text) }
        do {
            _ = try Self.document(text)
        } catch let error as FixtureError {
            #expect(error.description == "t.yaml:\(keys + 1):1: duplicate key 'k1'")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("what a fixture cannot be: an alias bomb, a mapping as a key, a second document, an unknown alias", arguments: [
        ("a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
         "aliases expand to more than"),
        ("? {a: 1}\n: 2\n", "a mapping cannot be a mapping key"),
        ("a: 1\n---\nb: 2\n", "only one YAML document"),
        ("a: *nowhere\n", "unknown alias '*nowhere'"),
        ("a: [1\n", "YAML syntax error: while parsing a flow sequence"),
        ("", "the file is empty"),
    ])
    func refused(text: String, message: String) {
        do {
            _ = try Self.document(text)
            Issue.record("no error for \(text)")
        } catch let error as FixtureError {
            #expect(error.message.contains(message), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("an alias shares its anchor's node; positions are one-based")
    func aliases() throws {
        let document = try Self.document("base: &b {x: 1}\nuse: *b\n")
        #expect(document.json()["use"] == document.json()["base"])
        var fields = try YAMLFields(document, what: "root")
        let use = try fields.required("use")
        #expect(use.node.mark == YAMLMark(line: 1, column: 7), "the alias is its anchor's node")
    }
}
