import ArgumentParser

/// A word where a command's name belongs that names none (`understudy srve`, `understudy spec lnt`).
/// `serve` is the default command and takes no arguments, so without this `understudy srve` was
/// reported as serve's unexpected argument.
struct UnknownCommand {
    let word: String
    /// The command the word was given to, e.g. `understudy spec`.
    let parent: String
    let names: [String]
    let defaultName: String?

    /// Nil when every word up to the first option or argument names a command (or is `help`).
    init?(arguments: [String], root: any ParsableCommand.Type) {
        var command = root
        var path = [root._commandName]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            guard let next = subcommands.first(where: { $0._commandName == word }) else {
                self.word = word
                parent = path.joined(separator: " ")
                names = subcommands.map { $0._commandName }
                defaultName = command.configuration.defaultSubcommand?._commandName
                return
            }
            command = next
            path.append(word)
        }
        return nil
    }

    var message: String {
        let near = names.min { Self.distance($0, word) < Self.distance($1, word) }
        let suggestion = near.map { Self.distance($0, word) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
        let listed = names.map { $0 == defaultName ? "\($0) (the default)" : $0 }.joined(separator: ", ")
        return """
            \(parent): unknown command '\(word)'\(suggestion)
            The commands: \(listed). See '\(parent) --help'.
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
