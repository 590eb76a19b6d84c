extension SchemaCompiler {
    // MARK: Cycles

    /// Finds cycles among the schemas compiled since the last check, following only the edges
    /// that apply to the same instance (`$ref`, allOf/anyOf/oneOf, not, discriminator mappings).
    /// Depth first without recursion, so a long chain cannot exhaust the stack.
    func checkCycles() {
        let roots = uncheckedForCycles
        uncheckedForCycles.removeAll()
        var onPath: [ObjectIdentifier: Int] = [:]
        for root in roots where !acyclic.contains(ObjectIdentifier(root)) {
            var stack: [(schema: Schema, next: [Schema], at: Int)] = [(root, Self.inPlace(root), 0)]
            onPath[ObjectIdentifier(root)] = 0
            while let top = stack.last {
                if top.at == top.next.count {
                    stack.removeLast()
                    onPath[ObjectIdentifier(top.schema)] = nil
                    acyclic.insert(ObjectIdentifier(top.schema))
                    continue
                }
                let child = top.next[top.at]
                stack[stack.count - 1].at += 1
                let id = ObjectIdentifier(child)
                if acyclic.contains(id) { continue }
                if let start = onPath[id] {
                    let loop = stack[start...].map(\.schema.location) + [child.location]
                    let (file, pointer) = Self.split(child.location)
                    problem(.error, "$ref cycle that never reaches a value: \(loop.map(Self.short).joined(separator: " → "))",
                            at: location(file, pointer))
                    // Cut the edge so later checks and the validator terminate on this graph.
                    Self.cut(child, from: top.schema)
                    continue
                }
                onPath[id] = stack.count
                stack.append((child, Self.inPlace(child), 0))
            }
        }
    }

    static func inPlace(_ s: Schema) -> [Schema] {
        var next: [Schema] = []
        if let reference = s.reference { next.append(reference) }
        next += s.allOf
        next += s.anyOf
        next += s.oneOf
        if let not = s.not { next.append(not) }
        if let d = s.discriminator { next += d.mapping.map(\.schema) }
        return next
    }

    static func cut(_ child: Schema, from parent: Schema) {
        if parent.reference === child { parent.reference = nil }
        parent.allOf.removeAll { $0 === child }
        parent.anyOf.removeAll { $0 === child }
        parent.oneOf.removeAll { $0 === child }
        if parent.not === child { parent.not = nil }
        parent.discriminator?.targets.removeAll { $0.schema.schema === child }
    }

    static func split(_ location: String) -> (String, String) {
        guard let hash = location.firstIndex(of: "#") else { return (location, "") }
        return (String(location[..<hash]), String(location[location.index(after: hash)...]))
    }

    /// `#/components/schemas/LoopA` for a location in the first document, the whole key otherwise.
    static func short(_ location: String) -> String {
        guard let hash = location.firstIndex(of: "#") else { return location }
        let pointer = location[location.index(after: hash)...]
        return "#" + (pointer.isEmpty ? "" : pointer)
    }
}
