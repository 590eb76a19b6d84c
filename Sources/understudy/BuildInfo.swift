// The version and commit `understudy --version` prints. scripts/release overwrites this file with
// `git describe` and `git rev-parse --short HEAD` for the build it packs and restores it afterwards,
// so a plain `swift build` never needs git.
enum BuildInfo {
    static let version = "0.9.0-dev"
    static let commit = "unknown commit"
}
