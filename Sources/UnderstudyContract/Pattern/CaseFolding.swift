/// Simple (one scalar to one scalar) case mappings, ASCII without a lookup.
enum CaseFolding {
    static func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0x80 { return s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(UInt8(s.value + 32)) : s }
        let mapped = s.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first! : s
    }

    static func upper(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0x80 { return s.value >= 0x61 && s.value <= 0x7A ? Unicode.Scalar(UInt8(s.value - 32)) : s }
        let mapped = s.properties.uppercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first! : s
    }
}
