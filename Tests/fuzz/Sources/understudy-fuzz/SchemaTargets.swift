import UnderstudyContract

extension FuzzTarget {
    /// A schema as a request carries it (response_format, tool parameters, text.format): limits,
    /// compilation with refs kept inside, then what the mock does with it.
    static let schema = FuzzTarget(name: "schema", summary: "request-borne schemas: InlineSchemas limits and compiler, generator, validator") { input in
        guard let value = try? JSONParser.parse(Array(input)) else { return }
        let compiled = InlineSchemas().compile(value)
        guard compiled.problems.isEmpty else { return }
        exercise(compiled.schema, seed: value.canonicalHash, instances: [value] + (value["examples"]?.arrayValue ?? []))
    }

    /// A spec as `spec lint` reads it (YAML aliases, `$ref` cycles), then its component schemas as
    /// `validate --spec` and `serve --spec` use them.
    static let spec = FuzzTarget(name: "spec", summary: "YAMLEventReader, SchemaCompiler and SpecLinter; components generated and validated") { input in
        guard let document = try? SpecDocument.parse(Array(input), file: "fuzz.yaml") else { return }
        // Refs stay in the document: a fuzzer must not read whatever files lie around.
        let report = SpecLinter.lint(document, references: .sameDocument)
        for problem in report.problems {
            require(problem.location.line >= 1 && problem.location.column >= 1, "a problem without a position: \(problem)")
        }
        guard report.errors == 0 else { return }
        let compiler = SchemaCompiler(documents: [document], references: .sameDocument)
        for member in (document.root["components"]?["schemas"]?.objectValue?.members ?? []).prefix(8) {
            let schema = compiler.schema(file: document.file, pointer: "/components/schemas/" + JSONPointer.escape(member.key))
            exercise(schema, seed: member.value.canonicalHash, instances: [member.value, document.root])
        }
    }

    /// Generates an instance of `schema` as the server does, then checks that instance and
    /// `instances` within smaller step limits (a diagnostic per failed step costs far more than a
    /// verdict's step; only the generator checks request schemas, and only for a verdict).
    private static func exercise(_ schema: Schema, seed: UInt64, instances: [JSONValue]) {
        var generator = SchemaInstanceGenerator(seed: seed, budget: instrumentedBudget)
        var verdict = SchemaValidator()
        verdict.stepLimit = 100_000
        var diagnostics = SchemaValidator()
        diagnostics.stepLimit = 10_000
        var checked = instances
        if let generated = try? generator.generate(schema) {
            let written = generated.jsonBytes
            require((try? JSONParser.parse(written)) != nil, "generated JSON does not parse: \(String(decoding: written.prefix(200), as: UTF8.self))")
            checked.append(generated)
        }
        for instance in checked {
            _ = verdict.isValid(instance, against: schema)
            _ = diagnostics.validate(instance, against: schema)
        }
    }

    /// The server's budget over 10: coverage and ASan make each step many times slower (a whole
    /// budget's worth of validation, a million steps, takes about 1.5 s instrumented), and work
    /// that stays linear in the budget is what a one-second timeout can tell from a hang.
    private static let instrumentedBudget: SchemaInstanceGenerator.Budget = {
        var budget = SchemaInstanceGenerator.Budget()
        budget.values /= 10
        budget.characters /= 10
        budget.patternSteps /= 10
        return budget
    }()
}
