import ArgumentParser

/// An empty path is almost always a variable that is not set (`--spec "$UNDERSTUDY_OPENAPI_DOCUMENT"`):
/// said as such, naming the flag, where the loader said only `:1:1: cannot read the file`.
enum EmptyPath {
    static func check(_ value: String?, flag: String, takes what: String) throws {
        guard let value, value.isEmpty else { return }
        throw ValidationError("\(flag) is empty: it takes \(what). Was it given a variable that is not set (\(flag) \"$NAME\" with NAME unset expands to nothing)?")
    }
}
