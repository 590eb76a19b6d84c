/// What `understudy --version` prints. These are the values of a plain `swift build`, which never
/// needs git; scripts/release writes the release's version (`git describe`) and commit into this
/// file for the build it packs, then puts it back as it was.
enum BuildInfo {
    static let version = "0.1.0-dev"
    static let commit = "unknown commit"
}
