import ArgumentParser
import UnderstudyMock

/// `serve`'s options that shape the answers: models, timing, trouble, keys and recordings.
struct ServeAnswerOptions: ParsableArguments {
    @Option(name: .customLong("models"), help: ArgumentHelp(
        "Unknown model ids: catalog gives the live API's 404; open[=ID] serves them (fine-tunes, a gateway's names) with the facts of ID (gpt-4o when not given; a fine-tune ft:BASE:… uses BASE's), said in x-understudy-model-stand-in. (values: catalog, open, open=ID; default: catalog)",
        valueName: "models"))
    var modelsArgument: String?

    @Option(name: .customLong("timing"), help: ArgumentHelp(
        "off: answers as fast as the socket takes them (or --stream-interval-ms apart); realistic: each model's time to first token, prefill, tokens per second, jitter, bursts and capacity from the catalog; or a YAML FILE changing them (every_model:, models:). (values: off, realistic, FILE; default: off)",
        valueName: "timing"))
    var timingArgument: String?

    @Option(name: .customLong("stream-interval-ms"), help: "Milliseconds between streamed frames.")
    var streamIntervalMilliseconds = 0

    @Option(help: "Scenario rules (YAML) instead of the fixtures' scenarios.yaml; see fixtures/scenarios.yaml.")
    var scenarios: String?

    @Option(name: .customLong("rate-limit"), help: "Requests and tokens per minute per API key, e.g. rpm=60,tpm=40000. (default: no limit)")
    var rateLimit: String?

    @Option(name: .customLong("api-keys"), help: "Accepted API keys: a comma-separated list or a file (one a line); mark a key ':byok' if it has BYOK set up. (default: any key)")
    var apiKeys: String?

    @Option(help: "Serve recorded exchanges (.jsonl, .har) from this directory, matched on the canonical request.")
    var replay: String?

    @Option(name: .customLong("replay-miss"), help: "What a request without a recording gets.")
    var replayMiss: ReplayBook.Miss = .synthesize

    @Flag(name: .customLong("replay-full-speed"), help: "Play recorded streams at full speed, not with their recorded pacing.")
    var replayFullSpeed = false

    var models: String { modelsArgument ?? "catalog" }
    var timing: String { timingArgument ?? "off" }

    func validate() throws {
        guard streamIntervalMilliseconds >= 0 else { throw ValidationError("--stream-interval-ms must be 0 or more (not negative).") }
        guard models == "catalog" || models == "open" || models.hasPrefix("open=") else {
            throw ValidationError("--models takes 'catalog', 'open' or 'open=MODEL', not '\(models)'.")
        }
        if let rateLimit, RateLimiter.Limits(argument: rateLimit) == nil {
            throw ValidationError("--rate-limit takes rpm=N and/or tpm=N, comma-separated, e.g. rpm=60,tpm=40000.")
        }
        try EmptyPath.check(scenarios, flag: "--scenarios", takes: "a scenario file")
        try EmptyPath.check(replay, flag: "--replay", takes: "a directory of recordings")
        try EmptyPath.check(timingArgument, flag: "--timing", takes: "off, realistic or a timing file")
    }
}
