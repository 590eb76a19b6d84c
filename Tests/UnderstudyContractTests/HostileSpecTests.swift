#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import UnderstudyContract

/// Specs, YAML and schemas that try to loop, explode or read outside their folder: each is an
/// error with a position, never a hang, a crash or a file read.
@Suite("Hostile specs and schemas")
struct HostileSpecTests {
    static func temporaryFolder() -> String {
        var template = Array("/tmp/understudy-spec-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    static func write(_ text: String, to path: String) {
        let file = fopen(path, "w")!
        fputs(text, file)
        fclose(file)
    }

    @Test("a $ref cycle is a lint error at its line, and validating against it terminates")
    func refCycle() throws {
        let folder = Self.temporaryFolder()
        let path = folder + "/loop.yaml"
        Self.write("""
        openapi: 3.1.0
        paths:
          /v1/x:
            post:
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Start'}
              responses: {}
        components:
          schemas:
            Start:
              allOf:
                - $ref: '#/components/schemas/LoopA'
            LoopA:
              allOf:
                - $ref: '#/components/schemas/LoopB'
            LoopB:
              allOf:
                - $ref: '#/components/schemas/LoopA'
        """, to: path)
        let report = try SpecLinter.lint(path: path)
        let cycle = try #require(report.problems.first { $0.message.contains("cycle") })
        #expect(cycle.severity == .error)
        #expect(cycle.location.line > 1, "\(cycle)")
        #expect(cycle.message.contains("LoopA") && cycle.message.contains("LoopB"), "\(cycle.message)")
        #expect(throws: SpecError.self) { try ExchangeValidator(document: try SpecDocument.load(path: path)) }
        let checker = try InstanceChecker(specPath: path, checkFormats: true)
        #expect(checker.check(line: Array(##"{"schema":"#/components/schemas/Start","instance":1}"##.utf8), schema: nil).hasPrefix("error"))
    }

    @Test("a spec's $ref may not leave its folder: absolute paths, .. and devices are refused")
    func refsStayInTheFolder() throws {
        let folder = Self.temporaryFolder()
        Self.write("X: {type: string}\n", to: folder + "/common.yaml")
        for (ref, allowed) in [("common.yaml#/X", true), ("./common.yaml#/X", true), ("/etc/passwd#/x", false),
                               ("../../etc/passwd#/x", false), ("/dev/zero", false), ("/proc/self/environ#/x", false)] {
            let path = folder + "/spec.yaml"
            Self.write("components:\n  schemas:\n    A:\n      $ref: '\(ref)'\n", to: path)
            let report = try SpecLinter.lint(path: path)
            #expect((report.errors == 0) == allowed, "\(ref): \(report.problems)")
            if !allowed { #expect(report.problems.contains { $0.message.contains("refused") }, "\(ref): \(report.problems)") }
        }
    }

    @Test("a symbolic link inside the folder is followed only to a file inside it: not to /proc/self/environ or /dev/zero, whose contents no message shows")
    func symlinksStayInTheFolder() throws {
        let folder = Self.temporaryFolder()
        Self.write("X: {type: string}\n", to: folder + "/common.yaml")
        #expect(symlink(folder + "/common.yaml", folder + "/alias.yaml") == 0)
        #expect(symlink("/proc/self/environ", folder + "/env.yaml") == 0)
        #expect(symlink("/dev/zero", folder + "/zero.yaml") == 0)
        #expect(symlink("/etc", folder + "/etc") == 0)
        let path = String(cString: getenv("PATH"))
        for (ref, allowed) in [("alias.yaml#/X", true), ("env.yaml#/x", false), ("env.yaml", false), ("zero.yaml", false), ("etc/passwd#/x", false)] {
            Self.write("components:\n  schemas:\n    A:\n      $ref: '\(ref)'\n", to: folder + "/spec.yaml")
            let report = try SpecLinter.lint(path: folder + "/spec.yaml")
            #expect((report.errors == 0) == allowed, "\(ref): \(report.problems)")
            if !allowed { #expect(report.problems.contains { $0.message.contains("out of the spec's folder") }, "\(ref): \(report.problems)") }
            #expect(!report.problems.contains { $0.message.contains(path) || $0.message.contains("PATH=") }, "\(ref) shows the environment")
        }
    }

    @Test("a $ref to a FIFO is refused at once (a FIFO with no writer used to hang the linter)", .timeLimit(.minutes(1)))
    func fifo() throws {
        let folder = Self.temporaryFolder()
        #expect(mkfifo(folder + "/pipe.yaml", 0o600) == 0)
        Self.write("components:\n  schemas:\n    A:\n      $ref: 'pipe.yaml#/X'\n", to: folder + "/spec.yaml")
        let report = try SpecLinter.lint(path: folder + "/spec.yaml")
        #expect(report.problems.contains { $0.message.contains("not a regular file") }, "\(report.problems)")
        #expect(FileBytes.read(folder + "/pipe.yaml") == nil)
        #expect(FileBytes.lastError == "not a regular file")
    }

    @Test("a YAML alias bomb is refused at the alias that passes the limit")
    func aliasBomb() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let started = ContinuousClock.now
        #expect {
            _ = try SpecDocument.parse(Array(yaml.utf8), file: "bomb.yaml")
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            return error.message.contains("alias bomb") && error.location.line > 1
        }
        // A bound on work, not a timing assertion: 10^10 leaves would take hours if expanded.
        _ = started
    }

    @Test("files that are not regular files are not read")
    func devices() {
        #expect(FileBytes.read("/dev/zero") == nil)
        #expect(FileBytes.lastError == "not a regular file")
    }

    @Test("string building is linear and bounded; numbers beyond Int64 and tiny multiples do not trap")
    func generatorBounds() throws {
        #expect(SchemaInstanceGenerator.fit("ab", min: 10, max: .max).unicodeScalars.count >= 10)
        #expect(SchemaInstanceGenerator.fit("ab", min: 7, max: 7).unicodeScalars.count == 7)
        let doc = try SpecDocument.parse(Array(#"{"big":{"type":"integer","minimum":1e19},"tiny":{"type":"number","multipleOf":1e-320},"long":{"type":"string","minLength":2000000}}"#.utf8), file: "g.json")
        let compiler = SchemaCompiler(documents: [doc])
        var generator = SchemaInstanceGenerator(seed: 7)
        #expect(try generator.generate(compiler.schema(file: "g.json", pointer: "/big")).doubleValue ?? 0 >= 1e19)
        #expect(try generator.generate(compiler.schema(file: "g.json", pointer: "/tiny")).doubleValue?.isFinite == true)
        #expect(throws: SchemaInstanceGenerator.BudgetExceeded.self) { try generator.generate(compiler.schema(file: "g.json", pointer: "/long")) }
    }

    @Test("the generator's attempts share one validation budget (found by the libFuzzer schema target)")
    func generatorValidationBudget() throws {
        // 24 levels of allOf applying the next level twice, the last level accepting anything:
        // checking any value takes 2^24 steps, so each of the eight attempts runs out of steps.
        var defs: [String] = []
        for i in 0..<23 { defs.append(##""d\##(i)":{"allOf":[{"$ref":"#/$defs/d\##(i + 1)"},{"$ref":"#/$defs/d\##(i + 1)"}]}"##) }
        defs.append(##""d23":{"description":"anything"}"##)
        let schema = InlineSchemas().compile(try JSONParser.parse(##"{"$defs":{\##(defs.joined(separator: ","))},"$ref":"#/$defs/d0"}"##))
        #expect(schema.problems.isEmpty)
        var generator = SchemaInstanceGenerator(seed: 1)
        _ = try generator.generate(schema.schema)
        #expect(generator.validationSteps <= generator.budget.values * 10 + 100, "\(generator.validationSteps)")
    }
}
