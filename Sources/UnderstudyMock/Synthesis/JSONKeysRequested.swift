import UnderstudyContract

/// The keys a prompt asks a JSON-mode answer to have: quoted names (`"name"`, `'age'`, or
/// `` `age` ``) near the word "key"/"field"/"property"/"json", each with the type written after it
/// in parentheses or words ("(a string)", "as an integer").
enum JSONKeysRequested {
    enum Kind { case string, integer, number, boolean, array, object }

    static func keys(in prompt: String) -> [(String, Kind)] {
        let lower = prompt.lowercased()
        guard ["key", "field", "propert", "json"].contains(where: lower.contains) else { return [] }
        var found: [(String, Kind)] = []
        let scalars = Array(prompt.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let quote = scalars[i]
            guard quote == "\"" || quote == "'" || quote == "`" else { i += 1; continue }
            var j = i + 1
            var name = ""
            while j < scalars.count, scalars[j] != quote, name.unicodeScalars.count <= 40 {
                name.unicodeScalars.append(scalars[j])
                j += 1
            }
            guard j < scalars.count, isKeyName(name), !found.contains(where: { $0.0 == name }) else { i += 1; continue }
            let after = String(String.UnicodeScalarView(scalars[(j + 1)..<min(scalars.count, j + 30)])).lowercased()
            found.append((name, kind(after)))
            i = j + 1
            if found.count == 32 { break }
        }
        return found
    }

    private static func isKeyName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }
    }

    private static func kind(_ after: String) -> Kind {
        let candidates: [(String, Kind)] = [("integer", .integer), ("int", .integer), ("number", .number), ("float", .number),
                                            ("bool", .boolean), ("array", .array), ("list", .array), ("object", .object), ("string", .string)]
        var best: (Kind, String.Index)?
        for (word, kind) in candidates {
            if let range = after.firstRange(of: word), best == nil || range.lowerBound < best!.1 { best = (kind, range.lowerBound) }
        }
        return best?.0 ?? .string
    }

    static func value(for key: String, type: Kind, hints: ReplyDecider.Hints, prompt: String, rng: inout SplitMix64) -> JSONValue {
        switch type {
        case .integer:
            let number = prompt.split { !$0.isNumber }.first.flatMap { Int64($0) }
            return .int(number ?? Int64(rng.int(in: 1...100)))
        case .number:
            return .double(Double(rng.int(in: 100...9999)) / 100)
        case .boolean:
            return .bool(rng.int(in: 0...1) == 1)
        case .array:
            return .array([.string(hints.text(key) ?? hints.topic)])
        case .object:
            return .object([:])
        case .string:
            return .string(hints.text(key) ?? hints.topic)
        }
    }
}
