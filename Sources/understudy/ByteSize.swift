import ArgumentParser

/// A size given on the command line: bytes, or a number with KiB, MiB or GiB (KB, MB and GB read
/// the same, powers of 1024).
struct ByteSize: ExpressibleByArgument {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let units: [(suffix: String, shift: Int)] = [("kib", 10), ("kb", 10), ("k", 10), ("mib", 20), ("mb", 20), ("m", 20),
                                                     ("gib", 30), ("gb", 30), ("g", 30), ("b", 0)]
        let text = argument.lowercased()
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 0)
        guard let number = Int(text.dropLast(unit.suffix.count)), number >= 0, number <= Int.max >> unit.shift else { return nil }
        bytes = number << unit.shift
    }

    var defaultValueDescription: String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)MiB" : "\(bytes)"
    }
}
