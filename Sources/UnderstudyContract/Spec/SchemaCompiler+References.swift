extension SchemaCompiler {
    // MARK: References

    /// Resolves a `$ref` written in `file` at `usedAt`; nil (and an error naming both) if it dangles.
    func resolve(_ ref: String, from file: String, usedAt: String) -> Schema? {
        let hash = ref.firstIndex(of: "#")
        let path = String(hash.map { ref[..<$0] } ?? Substring(ref))
        let pointer = hash.map { JSONPointer.percentDecoded(String(ref[ref.index(after: $0)...])) } ?? ""
        if !path.isEmpty, let refusal = refusal(path, from: file) {
            problem(.error, "$ref '\(ref)' refused: \(refusal)", at: location(file, usedAt))
            return nil
        }
        let target = path.isEmpty ? file : Self.join(directoryOf: file, path)
        if let done = compiled[LocationKey("\(target)#\(pointer)")] { return done }
        guard document(target, usedAt: location(file, usedAt)) != nil else { return nil }
        guard let value = value(at: pointer, in: target, usedAt: location(file, usedAt)) else {
            problem(.error, "unresolved $ref '\(ref)': no \(pointer.isEmpty ? "document" : pointer) in \(target)", at: location(file, usedAt))
            return nil
        }
        return compile(value, file: target, pointer: pointer)
    }

    /// Follows a pointer into a document, through the index for large objects.
    func value(at pointer: String, in file: String, usedAt: @autoclosure () -> SourceLocation?) -> JSONValue? {
        guard let document = document(file, usedAt: usedAt()), let tokens = JSONPointer.tokens(pointer) else { return nil }
        var current = document.root
        var path = ""
        for token in tokens {
            switch current {
            case .object(let o) where o.count > 32:
                let key = "\(file)#\(path)"
                if largeObjects[key] == nil {
                    largeObjects[key] = Dictionary(o.members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
                }
                guard let next = largeObjects[key]?[token] else { return nil }
                current = next
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
            path += "/" + JSONPointer.escape(token)
        }
        return current
    }

    /// `usedAt` (where the file was referred to) is worked out only for an error: finding a
    /// location walks the document.
    func document(_ file: String, usedAt: @autoclosure () -> SourceLocation?) -> SpecDocument? {
        if let loaded = documents[file] { return loaded }
        let usedAt = usedAt()
        do {
            let loaded = try SpecDocument.load(path: file)
            documents[file] = loaded
            return loaded
        } catch {
            problems.append(SpecProblem(severity: .error, location: usedAt ?? error.location,
                                        message: usedAt == nil ? error.message : "unresolved $ref to \(file): \(error.message)"))
            return nil
        }
    }

    /// Why the policy refuses a reference to another file, or nil when it allows it.
    func refusal(_ path: String, from file: String) -> String? {
        switch references {
        case .anyFile:
            return nil
        case .sameDocument:
            return "a schema in a request may only refer inside itself ('#/…')"
        case .specFolder:
            if path.hasPrefix("/") || path.contains("://") { return "only relative files under the spec's folder are read" }
            let target = Self.join(directoryOf: file, path)
            let prefix = root.isEmpty ? "" : root + "/"
            if target.split(separator: "/").contains("..") || !target.hasPrefix(prefix) {
                return "it leads out of the spec's folder"
            }
            // Inside by its name, but a symbolic link (of the file or a folder on the way) may
            // lead anywhere (/proc/self/environ): the resolved path must be inside the resolved
            // folder too. A file that does not exist is left to the reading, which says so.
            if let real = FileBytes.resolved(target) {
                let folder = FileBytes.resolved(root.isEmpty ? "." : root) ?? root
                if !real.hasPrefix(folder == "/" ? "/" : folder + "/") { return "it leads out of the spec's folder through a symbolic link" }
            }
            return nil
        }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return String(file[..<slash])
    }

    static func join(directoryOf file: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        guard let slash = file.lastIndex(of: "/") else { return relative }
        var parts = file[..<slash].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in relative.split(separator: "/") {
            if part == "..", let last = parts.last, !last.isEmpty, last != ".." {
                parts.removeLast()
            } else if part != "." {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
