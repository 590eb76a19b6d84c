import ArgumentParser

/// A first word that is no command's name. `serve` is the default command and takes no
/// arguments, so without this `understudy srve` was reported as serve's unexpected argument.
struct UnknownCommand {
    let word: String
    let names: [String]

    /// Nil when the first argument is an option, a command's name or `help`.
    init?(arguments: [String], commands: [any ParsableCommand.Type]) {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        names = commands.map { $0._commandName }
        guard !names.contains(first), first != "help" else { return nil }
        word = first
    }

    var message: String {
        let near = names.min { Self.distance($0, word) < Self.distance($1, word) }
        let suggestion = near.map { Self.distance($0, word) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
        return """
            understudy: unknown command '\(word)'\(suggestion)
            The commands: \(names.map { $0 == "serve" ? "serve (the default)" : $0 }.joined(separator: ", ")). \
            See 'understudy --help'.
            """
    }

    /// Levenshtein distance, for the suggestion.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
