import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyServer

/// Schemas that arrive in requests (structured outputs, tool parameters) are untrusted: they may
/// not read the server's files, and no schema may crash it or cost it seconds or gigabytes. Each
/// case goes through every place a request carries a schema, then the same connection must still
/// be served.
@Suite("Hostile schemas in requests")
struct HostileSchemaTests {
    enum Expect: Sendable {
        /// A 400 `invalid_json_schema` whose message says this.
        case refused(String)
        /// Served; the generated value passes this check.
        case served(@Sendable (JSONValue) -> Bool)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var schema: String
        var expect: Expect
        var testDescription: String { name }
    }

    static let deepBranches: String = {
        // 24 levels, each applying the next twice: 2^24 applications if nothing bounds the work.
        var defs: [String] = []
        for i in 0..<24 { defs.append(##""d\##(i)":{"allOf":[{"$ref":"#/$defs/d\##(i + 1)"},{"$ref":"#/$defs/d\##(i + 1)"}]}"##) }
        defs.append(##""d24":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}"##)
        return ##"{"$defs":{\##(defs.joined(separator: ","))},"$ref":"#/$defs/d0"}"##
    }()

    static let cases: [Case] = [
        Case(name: "$ref to /proc/self/environ", schema: ##"{"$ref":"/proc/self/environ#/x"}"##, expect: .refused("may only refer inside itself")),
        Case(name: "$ref to /dev/zero", schema: ##"{"$ref":"/dev/zero"}"##, expect: .refused("may only refer inside itself")),
        Case(name: "$ref to a relative file", schema: ##"{"$ref":"../../etc/passwd#/x"}"##, expect: .refused("may only refer inside itself")),
        Case(name: "$ref to itself", schema: ##"{"$ref":"#"}"##, expect: .refused("cycle")),
        Case(name: "anyOf back to the root", schema: ##"{"anyOf":[{"$ref":"#"}]}"##, expect: .refused("cycle")),
        Case(name: "$defs cycle", schema: ##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}"##,
             expect: .refused("cycle")),
        Case(name: "minLength of a billion", schema: ##"{"type":"object","properties":{"s":{"type":"string","minLength":1000000000}},"required":["s"]}"##,
             expect: .refused("minLength 1000000000")),
        Case(name: "minItems of a hundred million", schema: ##"{"type":"object","properties":{"a":{"type":"array","minItems":100000000}},"required":["a"]}"##,
             expect: .refused("minItems 100000000")),
        Case(name: "nested bounded repeats", schema: ##"{"type":"object","properties":{"p":{"type":"string","pattern":"^((a{1000}){1000}){1000}$"}},"required":["p"]}"##,
             expect: .refused("more than 10000 instructions")),
        // Under the instruction cap, but every string the pattern accepts is 2,000 characters or
        // more: each match costs ten million steps or more (seconds, instrumented, when nothing
        // counted them). A match's worst case is charged before it runs: one such field may fit
        // the budget, twelve cannot, and are refused before the work is done.
        Case(name: "twelve such patterns", schema: ##"{"type":"object","properties":{"p0":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p1":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p2":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p3":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p4":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p5":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p6":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p7":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p8":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p9":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p10":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"},"p11":{"type":"string","pattern":"^((a{1000}){0}000*){1000}$"}},"required":["p0","p1","p2","p3","p4","p5","p6","p7","p8","p9","p10","p11"]}"##,
             expect: .refused("pattern steps")),
        Case(name: "a 10,000-instruction pattern on a 100,000-character string", schema: ##"{"type":"object","properties":{"p":{"type":"string","minLength":100000,"pattern":"(?:a?){4990}b"}},"required":["p"]}"##,
             expect: .refused("pattern steps")),
        // Harmless to a linear-time engine (it hung Swift's backtracking Regex): served.
        Case(name: "catastrophic backtracking shape", schema: ##"{"type":"object","properties":{"p":{"type":"string","pattern":"^(a+)+$"}},"required":["p"]}"##,
             expect: .served { ($0["p"]?.stringValue).map { !$0.isEmpty && $0.allSatisfy { $0 == "a" } } ?? false }),
        Case(name: "a backreference", schema: ##"{"type":"object","properties":{"p":{"type":"string","pattern":"^(a)\\1$"}},"required":["p"]}"##,
             expect: .refused("backreference cannot be matched in linear time")),
        Case(name: "a 500,000-character pattern", schema: ##"{"type":"object","properties":{"p":{"type":"string","pattern":"\##(String(repeating: "a", count: 500_000))"}},"required":["p"]}"##,
             expect: .refused("more than 10000 instructions")),
        // Bounded by the generator's reference depth and the validator's step limit: served at once.
        Case(name: "branches that double 24 times", schema: deepBranches, expect: .served { _ in true }),
        Case(name: "integer minimum beyond Int64", schema: ##"{"type":"object","properties":{"n":{"type":"integer","minimum":1e19}},"required":["n"]}"##,
             expect: .served { ($0["n"]?.doubleValue ?? 0) >= 1e19 }),
        Case(name: "multipleOf 1e-320", schema: ##"{"type":"object","properties":{"n":{"type":"number","multipleOf":1e-320}},"required":["n"]}"##,
             expect: .served { $0["n"]?.doubleValue != nil }),
        Case(name: "negative repeat in a pattern", schema: ##"{"type":"object","properties":{"p":{"type":"string","pattern":"^a{-5}$"}},"required":["p"]}"##,
             expect: .refused("bounds that make no sense")),
        Case(name: "minLength 100,000 (within the budget)", schema: ##"{"type":"object","properties":{"s":{"type":"string","minLength":100000}},"required":["s"]}"##,
             expect: .served { ($0["s"]?.stringValue?.unicodeScalars.count ?? 0) >= 100_000 }),
    ]

    /// The schema in each place a request can carry one.
    static func bodies(_ schema: String) -> [(path: String, body: String)] {
        let user = ##"[{"role":"user","content":"Give me the record."}]"##
        return [
            ("/v1/chat/completions", ##"{"model":"gpt-4o","messages":\##(user),"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":\##(schema)}}}"##),
            ("/v1/chat/completions", ##"{"model":"gpt-4o","messages":\##(user),"tool_choice":"required","tools":[{"type":"function","function":{"name":"f","parameters":\##(schema)}}]}"##),
            ("/v1/responses", ##"{"model":"gpt-4o","input":"Give me the record.","text":{"format":{"type":"json_schema","name":"r","strict":false,"schema":\##(schema)}}}"##),
            ("/api/v1/chat/completions", ##"{"model":"openai/gpt-4o","messages":\##(user),"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":\##(schema)}}}"##),
        ]
    }

    @Test("refused with a 400 or served within bounds; the connection keeps serving", arguments: cases)
    func hostile(_ c: Case) async throws {
        try await withServer { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                for (path, body) in Self.bodies(c.schema) {
                    let r = try await connection.send(.POST, path, body: Array(body.utf8), headers: [("content-type", "application/json")])
                    let json = try JSONParser.parse(r.body)
                    switch c.expect {
                    case .refused(let fragment):
                        #expect(r.status == 400, "\(path): \(r.text.prefix(300))")
                        let message = json["error"]?["message"]?.stringValue ?? ""
                        #expect(message.contains(fragment), "\(path): \(message)")
                        #expect(!r.text.contains("PATH="), "the server's environment leaked")
                    case .served(let check):
                        #expect(r.status == 200, "\(path): \(r.text.prefix(300))")
                        let text = json["choices"]?[0]?["message"]?["content"]?.stringValue
                            ?? json["choices"]?[0]?["message"]?["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue
                            ?? json["output"]?[0]?["content"]?[0]?["text"]?.stringValue
                        let value = try JSONParser.parse(Array((text ?? "null").utf8))
                        #expect(check(value), "\(path): \(String((text ?? "").prefix(200)))")
                    }
                }
                let next = try await connection.send(.POST, "/v1/chat/completions", body: Array(MalformedRequestTests.good.utf8),
                                                     headers: [("content-type", "application/json")])
                #expect(next.status == 200)
            }
        }
    }
}
