/// Which provider the mock speaks as. A flavour is a value consulted at each decision (envelope,
/// ids, response shape), not a fork of the code.
public enum Flavor: String, Sendable, CaseIterable {
    case openai
    case openrouter
    case aimlapi
}
