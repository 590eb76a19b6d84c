/// Puts Prometheus text in a stable order: families by name, each family's `# HELP`/`# TYPE` lines
/// first, then its series by their labels. swift-prometheus writes families and series in
/// dictionary order, which differs from one process to the next; a scrape should read the same
/// for the same counts.
enum ExpositionOrder {
    private typealias Line = ArraySlice<UInt8>

    private struct Family {
        var name: Line
        var comments: [Line] = []
        /// Each sample with its series' labels and its place, so a histogram's lines (buckets in
        /// ascending order, then `_sum` and `_count`, all of one series) keep their order.
        var samples: [(series: Line, place: Int, line: Line)] = []
    }

    static func sorted(_ text: [UInt8]) -> [UInt8] {
        var families: [Family] = []
        for (place, line) in text.split(separator: UInt8(ascii: "\n")).enumerated() {
            if line.first == UInt8(ascii: "#") {
                // `# HELP name …` or `# TYPE name …`: a new name starts a new family.
                let name = line.split(separator: UInt8(ascii: " "), maxSplits: 3).dropFirst(2).first ?? []
                if families.last.map({ !$0.name.elementsEqual(name) }) ?? true { families.append(Family(name: name)) }
                families[families.count - 1].comments.append(line)
            } else {
                if families.isEmpty { families.append(Family(name: [])) }
                families[families.count - 1].samples.append((series(of: line), place, line))
            }
        }
        families.sort { $0.name.lexicographicallyPrecedes($1.name) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 1)
        for family in families {
            let samples = family.samples.sorted {
                $0.series.elementsEqual($1.series) ? $0.place < $1.place : $0.series.lexicographicallyPrecedes($1.series)
            }
            for line in family.comments + samples.map(\.line) {
                out.append(contentsOf: line)
                out.append(UInt8(ascii: "\n"))
            }
        }
        return out
    }

    /// The labels of a sample line, less a histogram bucket's `le` (always last): what names its
    /// series. Label values never hold a bare `"` (it is escaped), so `le="` is the bound's own.
    private static func series(of line: Line) -> Line {
        guard let open = line.firstIndex(of: UInt8(ascii: "{")), let close = line.lastIndex(of: UInt8(ascii: "}")),
              open < close else { return [] }
        let labels = line[(open + 1)..<close]
        let bound = Array(#"le=""#.utf8)
        var i = labels.endIndex - bound.count
        while i >= labels.startIndex {
            if labels[i..<(i + bound.count)].elementsEqual(bound) {
                if i == labels.startIndex { return labels[i..<i] }
                if labels[i - 1] == UInt8(ascii: ",") { return labels[..<(i - 1)] }
            }
            i -= 1
        }
        return labels
    }
}
