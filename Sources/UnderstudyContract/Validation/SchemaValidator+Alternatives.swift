/// oneOf and anyOf: which branch a value meant, and the findings worth reporting from it.
extension Run {
    mutating func checkAlternatives(_ value: JSONValue, _ s: Schema, _ branches: [Schema], _ keyword: String, _ path: String) {
        // The verdict comes from every branch, exactly as JSON Schema defines it.
        var valid = 0
        for branch in branches {
            var inner = Run(collect: false, checkFormats: checkFormats, optionalMayBeNull: optionalMayBeNull, oneOfIsUnion: oneOfIsUnion, limit: limit, taken: taken)
            inner.check(value, branch, path)
            taken = inner.taken
            if overBudget(path, s) { return }
            if !inner.failed {
                valid += 1
                if keyword == "anyOf" || oneOfIsUnion || valid > 1 { break }
            }
        }
        if valid > 1 && keyword == "oneOf" {
            fail(path, s, keyword, "matches more than one of the \(branches.count) alternatives; exactly one is allowed")
            return
        }
        guard valid == 0 else { return }
        guard collect else {
            failed = true
            return
        }
        // Invalid: word the findings for the shape the instance meant.
        // 1. A JSON type no branch accepts: say which types would do.
        let declared = branches.map(Self.declaredTypes)
        if !declared.contains(where: { $0 == nil }) {
            let union = declared.reduce(into: Schema.TypeSet()) { $0.formUnion($1!) }
            if !Self.matches(value, union) {
                fail(path, s, "type", "expected \(union.description), got \(Self.typeName(value))", .types(union))
                return
            }
        }
        // 2. Branches told apart by a discriminator or a tag property every branch lists values
        //    for (type, role, object…): a missing tag, an unknown one, or the branch it names.
        if case .object(let object) = value, let tag = Self.commonTagProperty(s, branches) {
            guard let given = object[tag] else {
                fail(path, s, "required", "missing required property '\(tag)'", .property(tag))
                return
            }
            let lists = branches.map { $0.property(tag)?.listedValues ?? [] }
            let allowed = lists.flatMap { $0 }
            if !allowed.contains(where: { SchemaEqualityKey.equal($0, given) }) {
                fail(path + "/" + JSONPointer.escape(tag), s, "enum",
                     "\(FieldText.show(given)) is not one of \(allowed.map { FieldText.show($0) }.joined(separator: ", "))", .values(allowed))
                return
            }
            let named = branches.indices.filter { lists[$0].contains { SchemaEqualityKey.equal($0, given) } }
            if named.count == 1 {
                check(value, branches[named[0]], path)
                return
            }
        }
        if let chosen = Self.intendedBranch(value, s, branches) {
            check(value, chosen, path)
            return
        }
        // 3. Only one branch takes this JSON type: its findings are the useful ones.
        let accepting = branches.indices.filter { declared[$0].map { Self.matches(value, $0) } ?? true }
        if accepting.count == 1 {
            check(value, branches[accepting[0]], path)
            return
        }
        // 4. Otherwise: none matched; show the closest branch's first finding.
        var closest: [Diagnostic]?
        for branch in branches {
            var inner = Run(collect: true, checkFormats: checkFormats, optionalMayBeNull: optionalMayBeNull, oneOfIsUnion: oneOfIsUnion, limit: limit, taken: taken)
            inner.check(value, branch, path)
            taken = inner.taken
            if closest == nil || inner.diagnostics.count < closest!.count { closest = inner.diagnostics }
        }
        fail(path, s, keyword, "matches none of the \(branches.count) allowed shapes"
             + (closest?.first.map { "; closest: \($0.instancePath.isEmpty ? "" : $0.instancePath + ": ")\($0.message)" } ?? ""))
    }

    /// With a discriminator, or branches each pinning a property (`type`, `role`, `object`…) to one
    /// value: the one branch whose pinned values the instance carries.
    static func intendedBranch(_ value: JSONValue, _ s: Schema, _ branches: [Schema]) -> Schema? {
        guard case .object(let object) = value else { return nil }
        if let d = s.discriminator, let tag = object[d.propertyName]?.stringValue {
            if let mapped = d.mapping.first(where: { $0.value == tag })?.schema { return mapped }
        }
        var candidates: [Schema] = []
        var sawPinned = false
        for branch in branches {
            var pinnedHere = 0
            var matchesAll = true
            for member in object.members {
                guard let pinned = branch.property(member.key)?.pinnedValue else { continue }
                pinnedHere += 1
                if !SchemaEqualityKey.equal(member.value, pinned) { matchesAll = false; break }
            }
            if pinnedHere > 0 { sawPinned = true }
            if pinnedHere > 0 && matchesAll { candidates.append(branch) }
        }
        return sawPinned && candidates.count == 1 ? candidates[0] : nil
    }

    /// The JSON types a schema admits at its top level, if it says (through `$ref`s and `allOf`).
    static func declaredTypes(_ s: Schema) -> Schema.TypeSet? {
        if let types = s.types { return types }
        if let reference = s.reference, let types = declaredTypes(reference) { return types }
        for part in s.allOf { if let types = declaredTypes(part) { return types } }
        if !s.anyOf.isEmpty || !s.oneOf.isEmpty {
            var union = Schema.TypeSet()
            for branch in s.anyOf + s.oneOf {
                guard let types = declaredTypes(branch) else { return nil }
                union.formUnion(types)
            }
            return union
        }
        return nil
    }

    /// A property every branch lists allowed values for (the discriminator's, or e.g. `type`, `role`).
    static func commonTagProperty(_ s: Schema, _ branches: [Schema]) -> String? {
        if let d = s.discriminator, branches.allSatisfy({ $0.property(d.propertyName)?.listedValues != nil }) { return d.propertyName }
        guard let first = branches.first else { return nil }
        let candidates = first.properties.map(\.name) + (first.reference?.properties.map(\.name) ?? [])
        return candidates.first { name in branches.allSatisfy { $0.property(name)?.listedValues != nil } }
    }

    static func matches(_ value: JSONValue, _ types: Schema.TypeSet) -> Bool {
        switch value {
        case .null: return types.contains(.null)
        case .bool: return types.contains(.boolean)
        case .string: return types.contains(.string)
        case .array: return types.contains(.array)
        case .object: return types.contains(.object)
        case .int: return types.contains(.integer) || types.contains(.number)
        case .double(let d): return types.contains(.number) || (types.contains(.integer) && d.rounded() == d && d.isFinite)
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .int: "integer"
        case .double(let d): d.rounded() == d ? "integer" : "number"
        }
    }

    static func number(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}
