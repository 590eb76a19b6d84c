#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `serve`'s options read from the environment, the way a container is configured: `--port 8080`
/// is also `UNDERSTUDY_PORT=8080`, `--admin-token T` is `UNDERSTUDY_ADMIN_TOKEN=T` (`UNDERSTUDY_` and
/// the option's name in capitals, `-` as `_`). An option given on the command line wins over its
/// variable; an empty variable counts as unset. A flag's variable is `1`/`true`/`yes`/`on` or
/// `0`/`false`/`no`/`off`. Other commands read no variables.
enum EnvironmentOptions {
    /// serve's options that take a value.
    static let values = [
        "host", "port", "fixtures", "flavor", "replay", "replay-miss", "admin-token", "metrics", "rate-limit",
        "api-keys", "scenarios", "spec", "validate-requests", "seed", "clock", "stream-interval-ms", "timing",
        "response-store-limit", "models", "max-body-bytes", "idle-timeout", "shutdown-grace", "threads",
        "log-level", "state", "state-prefix", "state-failure", "dashboard", "dashboard-memory",
    ]
    /// serve's flags.
    static let flags = ["replay-full-speed", "no-admin", "self-check"]

    /// The variable that sets `--name`.
    static func variable(_ name: String) -> String {
        "UNDERSTUDY_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// `arguments` (without the program name) with the options the environment sets appended, when
    /// they run `serve` (named, or the default subcommand with its options or none at all).
    static func arguments(_ arguments: [String], environment: (String) -> String? = EnvironmentOptions.get) -> [String] {
        guard runsServe(arguments) else { return arguments }
        let given = Set(arguments.prefix { $0 != "--" }.compactMap { argument -> String? in
            guard argument.hasPrefix("--") else { return nil }
            return String(argument.dropFirst(2).prefix { $0 != "=" })
        })
        var merged = arguments
        for name in values where !given.contains(name) {
            // As one --name=value argument: a value may start with '-' (UNDERSTUDY_SEED=-1 is not an option).
            if let value = environment(variable(name)), !value.isEmpty { merged.append("--\(name)=\(value)") }
        }
        for name in flags where !given.contains(name) {
            switch environment(variable(name))?.lowercased() {
            case "1", "true", "yes", "on": merged.append("--\(name)")
            case nil, "", "0", "false", "no", "off": break
            case let other?:
                // Passed on as the flag's value, so the parser refuses it in its own words.
                merged.append("--\(name)=\(other)")
            }
        }
        return merged
    }

    private static func runsServe(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return true }
        if first == "serve" { return true }
        guard first.hasPrefix("--"), !first.hasPrefix("---") else { return false }
        let name = String(first.dropFirst(2).prefix { $0 != "=" })
        return values.contains(name) || flags.contains(name)
    }

    static func get(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
