import UnderstudyContract

extension FuzzTarget {
    /// Any bytes are a value or an error; a value written back reads as the same JSON (numbers
    /// compare as numbers: the writer spells an integral 1.0 as 1), and writing is stable.
    static let json = FuzzTarget(name: "json", summary: "JSONParser: bytes → value → written → the same value") { input in
        let bytes = Array(input)
        let parsed = try? JSONParser.parse(bytes)
        let fromBuffer = try? input.withMemoryRebound(to: UInt8.self) { try JSONParser.parse(buffer: $0) }
        require(parsed == fromBuffer, "parse(bytes) and parse(buffer:) disagree")
        guard let parsed else { return }
        let written = parsed.jsonBytes
        guard let again = try? JSONParser.parse(written) else {
            fatalError("written JSON does not parse: \(String(decoding: written.prefix(200), as: UTF8.self))")
        }
        require(again.canonicalBytes == parsed.canonicalBytes && again.canonicalHash == parsed.canonicalHash,
                "the value changed on the way through the writer: \(String(decoding: written.prefix(200), as: UTF8.self))")
        require(again.jsonBytes == written, "writing the value again gives other bytes")
    }
}
