/// Checks JSON instances, one per line, against schemas of a spec: the engine of
/// `understudy spec check`. A line is an instance (with a fixed schema) or
/// `{"schema": "<pointer>", "instance": …}`; each gets `valid` or `invalid<TAB>first finding`.
public struct InstanceChecker {
    let compiler: SchemaCompiler
    let file: String
    let validator: SchemaValidator

    public init(specPath: String, checkFormats: Bool) throws(SpecError) {
        let document = try SpecDocument.load(path: specPath)
        compiler = SchemaCompiler(documents: [document])
        file = document.file
        validator = SchemaValidator(checkFormats: checkFormats)
    }

    /// The verdict line for one input line.
    public func check(line: [UInt8], schema fixedPointer: String?) -> String {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return "error\tnot JSON: \(error)"
        }
        var pointer = fixedPointer
        var instance = value
        if pointer == nil {
            guard let p = value["schema"]?.stringValue, let i = value["instance"] else {
                return "error\texpected {\"schema\": \"<pointer>\", \"instance\": …}"
            }
            pointer = p
            instance = i
        }
        var target = pointer!
        if target.hasPrefix("#") { target.removeFirst() }
        let errorsBefore = compiler.errors.count
        let schema = compiler.schema(file: file, pointer: target)
        if compiler.errors.count > errorsBefore { return "error\t\(compiler.errors[errorsBefore].message)" }
        guard let first = validator.validate(instance, against: schema).first else { return "valid" }
        return "invalid\t\(first)"
    }
}
