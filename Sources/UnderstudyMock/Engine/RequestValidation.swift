/// What the server does with a request that breaks the contract in specs/.
public enum RequestValidation: String, Sendable, CaseIterable {
    /// Answer 400 in the error envelope, as the real API does.
    case strict
    /// Serve it anyway and report the findings in the log.
    case warn
    /// Do not check requests against the spec (the engine's own checks still apply).
    case off
}
