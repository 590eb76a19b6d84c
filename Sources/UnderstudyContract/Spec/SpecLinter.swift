/// Checks an OpenAPI document the way Understudy will use it: loads it (and every file its `$ref`s
/// reach), compiles every component schema and every schema of every operation, and reports what
/// it found.
public struct SpecLintReport: Sendable {
    public var file: String
    public var schemasCompiled: Int
    public var operations: Int
    public var problems: [SpecProblem]

    public var errors: Int { problems.filter { $0.severity == .error }.count }
    public var warnings: Int { problems.filter { $0.severity == .warning }.count }
}

public enum SpecLinter {
    public static func lint(path: String) throws(SpecError) -> SpecLintReport {
        lint(try SpecDocument.load(path: path))
    }

    /// Lints a loaded document; `references` says which files its `$ref`s may load.
    public static func lint(_ document: SpecDocument, references: SchemaCompiler.ReferencePolicy = .specFolder) -> SpecLintReport {
        lint(document, compiler: SchemaCompiler(documents: [document], references: references))
    }

    /// Lints a loaded document with `compiler` (made for it), which keeps what it compiled.
    public static func lint(_ document: SpecDocument, compiler: SchemaCompiler) -> SpecLintReport {
        let path = document.file
        var problems: [SpecProblem] = []
        if document.root["openapi"]?.stringValue == nil {
            problems.append(SpecProblem(severity: .warning, location: document.location(of: ""),
                                        message: "no 'openapi' version: is this an OpenAPI document?"))
        }
        let components = compiler.compileComponents(of: path)
        var operations = 0
        var inline = 0
        for path_ in document.root["paths"]?.objectValue?.members ?? [] {
            for method in path_.value.objectValue?.members ?? [] where httpMethods.contains(method.key) {
                operations += 1
                let base = "/paths/\(JSONPointer.escape(path_.key))/\(method.key)"
                for pointer in schemaPointers(in: method.value, at: base, document: document.root) {
                    _ = compiler.schema(file: path, pointer: pointer)
                    inline += 1
                }
            }
        }
        problems += compiler.problems
        return SpecLintReport(file: path, schemasCompiled: components + inline, operations: operations, problems: problems)
    }

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Pointers to every schema an operation uses: parameters, request body and response contents.
    static func schemaPointers(in operation: JSONValue, at base: String, document: JSONValue) -> [String] {
        var pointers: [String] = []
        for (i, parameter) in (operation["parameters"]?.arrayValue ?? []).enumerated() where parameter["schema"] != nil {
            pointers.append("\(base)/parameters/\(i)/schema")
        }
        func contents(_ owner: JSONValue?, _ at: String) {
            // A `$ref` to a shared response or request body: follow it to where it is written.
            var owner = owner
            var at = at
            if let ref = owner?["$ref"]?.stringValue, ref.hasPrefix("#") {
                at = String(ref.dropFirst())
                owner = JSONPointer.resolve(at, in: document)
            }
            for media in owner?["content"]?.objectValue?.members ?? [] where media.value["schema"] != nil {
                pointers.append("\(at)/content/\(JSONPointer.escape(media.key))/schema")
            }
        }
        contents(operation["requestBody"], base + "/requestBody")
        for response in operation["responses"]?.objectValue?.members ?? [] {
            contents(response.value, "\(base)/responses/\(JSONPointer.escape(response.key))")
        }
        return pointers
    }
}
