import NIOCore
import Prometheus
import Synchronization
import UnderstudyMock

/// The server's Prometheus metrics, served at GET /metrics: requests, tokens, 429s and contract
/// violations counted from each `MockResponse`, and the streams' timing from the connections that
/// write them.
///
/// Built on swift-prometheus: its counters are atomics, its histograms keep the cumulative buckets,
/// `_sum` and `_count` the format asks for, and its exposition escapes label values and writes the
/// `# HELP`/`# TYPE` lines as Prometheus' own parsers expect, which is where hand-written exposition
/// code tends to go wrong. The registry belongs to this server, not to the process-global
/// `MetricsSystem` (bootstrapped once a process), so in-process test servers each count their own.
///
/// Every label takes few values whatever clients send: `route` is `Route.name`; `model` is a
/// catalog model's id, `other` for any other name and `none` when no model was named; `scenario` is
/// a scenario the engine knows (at most `scenarioLimit` names, then `other`) or `none`; `status` is
/// the HTTP status (`fault` when the connection was broken instead of answered).
public final class ServerMetrics: Sendable {
    private let engine: MockEngine
    private let catalog: ModelCatalog
    private let registry = PrometheusCollectorRegistry()
    private let requests: CounterFamily
    private let tokens: CounterFamily
    private let rateLimited: CounterFamily
    private let violations: CounterFamily
    private let streamsInFlight: Gauge
    private let timeToFirstToken: DurationHistogram
    private let interToken: DurationHistogram
    private let scenarioLabels = Mutex<Set<String>>([])
    static let scenarioLimit = 100
    private let answerCounters = Mutex<[AnswerKind: AnswerCounters]>([:])
    static let answerKindLimit = 1024

    public init(engine: MockEngine) {
        self.engine = engine
        catalog = engine.configuration.fixtures.catalog
        requests = CounterFamily(registry, "requests", ["route", "model", "status", "scenario"],
                                 help: "Requests answered, by route, model, status and scenario.")
        tokens = CounterFamily(registry, "tokens", ["direction", "model"],
                               help: "Tokens of completions served: in (prompt) and out (completion).")
        rateLimited = CounterFamily(registry, "rate_limited", ["route", "model"],
                                    help: "Requests refused with 429 (the rate limiter, a scenario or a Prefer header).")
        violations = CounterFamily(registry, "contract_violations", ["route"],
                                   help: "Contract findings: requests served in warn mode and self-check failures.")
        streamsInFlight = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "understudy", metricName: "streams_in_flight", unitName: "",
            helpText: "Streamed responses begun and not yet ended."))
        timeToFirstToken = registry.makeDurationHistogram(descriptor: MetricNameDescriptor(
            namespace: "understudy", metricName: "time_to_first_token", unitName: "seconds",
            helpText: "From a streamed request's last byte read to its first frame written."),
            buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60].map(Self.seconds))
        interToken = registry.makeDurationHistogram(descriptor: MetricNameDescriptor(
            namespace: "understudy", metricName: "inter_token", unitName: "seconds",
            helpText: "Between two frames of a stream written one after the other."),
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5].map(Self.seconds))
    }

    private static func seconds(_ value: Double) -> Duration { .nanoseconds(Int64(value * 1e9)) }

    // MARK: Recording

    /// Counts one answer the engine gave. `last`: the connection's last kind of answer and its
    /// counters. A load test's connection asks for the same kind again and again, and finding its
    /// counters in the shared table took a lock and a hash of its labels (2% of a canned request's time).
    func requestServed(_ response: MockResponse, last: inout AnswerMemo?) {
        let status: Int? = if case .fault = response.body { nil } else { response.status }
        let kind = AnswerKind(route: response.routeName ?? "unknown", model: response.model, status: status, scenario: response.scenario)
        let memo: AnswerMemo
        var keep = true
        if let kept = last, kept.kind == kind {
            memo = kept
        } else if let counters = answerCounters.withLock({ $0[kind] }) {
            memo = AnswerMemo(kind: kind, counters: counters)
        } else {
            let (counters, kept) = counters(for: kind)
            memo = AnswerMemo(kind: kind, counters: counters)
            keep = kept  // a scenario not yet known: counted as `other`, asked again next time
        }
        memo.counters.requests.increment()
        if let promptTokens = response.usage?.promptTokens, promptTokens > 0 {
            if memo.tokensIn == nil { memo.tokensIn = memo.counters.tokens(.in, family: tokens) }
            memo.tokensIn?.increment(by: Int64(promptTokens))
        }
        if let completionTokens = response.usage?.completionTokens, completionTokens > 0 {
            if memo.tokensOut == nil { memo.tokensOut = memo.counters.tokens(.out, family: tokens) }
            memo.tokensOut?.increment(by: Int64(completionTokens))
        }
        if status == 429 { rateLimited.counter([kind.route, memo.counters.model]).increment() }
        if !response.violations.isEmpty { violations.counter([kind.route]).increment(by: Int64(response.violations.count)) }
        if !keep { last = nil } else if last !== memo { last = memo }
    }

    /// The labels of a kind of answer worked out (the catalog's lookup, the scenario's check) and
    /// its counters found, kept for the next answer of that kind: these label lookups were a
    /// twentieth of a canned request's instructions. At most `answerKindLimit` kinds are kept
    /// (model names are the client's), then the table starts again.
    private func counters(for kind: AnswerKind) -> (AnswerCounters, kept: Bool) {
        let model = modelLabel(kind.model)
        let statusLabel = kind.status.map { (100...599).contains($0) ? String($0) : "other" } ?? "fault"
        let scenario = scenarioLabel(kind.scenario)
        let counters = AnswerCounters(requests: requests.counter([kind.route, model, statusLabel, scenario]), model: model)
        // A scenario not (yet) known is counted as `other` without being kept: one added later gets its name.
        if scenario != "other" {
            answerCounters.withLock { table in
                if table.count >= Self.answerKindLimit { table.removeAll(keepingCapacity: true) }
                table[kind] = counters
            }
        }
        return (counters, scenario != "other")
    }

    func streamStarted() { streamsInFlight.increment() }
    func streamEnded() { streamsInFlight.decrement() }
    func firstFrame(afterNanoseconds nanoseconds: Int64) { timeToFirstToken.record(.nanoseconds(nanoseconds)) }
    func frameGap(nanoseconds: Int64) { interToken.record(.nanoseconds(nanoseconds)) }

    private func modelLabel(_ model: String?) -> String {
        guard let model else { return "none" }
        return catalog.model(named: model)?.id ?? "other"
    }

    /// A scenario the engine knows keeps its name, up to `scenarioLimit` names: rules added at run
    /// time (the admin API) must not grow the metrics without bound either.
    private func scenarioLabel(_ scenario: String?) -> String {
        guard let scenario else { return "none" }
        if scenarioLabels.withLock({ $0.contains(scenario) }) { return scenario }
        guard engine.knowsScenario(scenario) else { return "other" }
        return scenarioLabels.withLock { labels in
            guard labels.count < Self.scenarioLimit else { return "other" }
            labels.insert(scenario)
            return scenario
        }
    }

    // MARK: Exposition

    /// Every metric in Prometheus' text format (0.0.4), in a stable order: families by name, the
    /// series of each by their labels.
    public func render() -> [UInt8] {
        ExpositionOrder.sorted(registry.emitToBuffer())
    }

    /// The answer to GET or HEAD /metrics, under the admin API's access rule; nil for any other path.
    func scrape(_ request: MockRequest) -> MockResponse? {
        guard request.path == "/metrics" else { return nil }
        if let denied = engine.adminDenial(request) { return denied }
        guard request.method == "GET" || request.method == "HEAD" else {
            return engine.errorResponse(.methodNotAllowed(method: request.method, path: request.path, allowed: ["GET", "HEAD"]), flavor: .openai)
        }
        return MockResponse(status: 200, headers: [("content-type", "text/plain; version=0.0.4; charset=utf-8")], body: .bytes(render()))
    }
}

/// One family of counters, one counter per label values seen. A counter is made through the
/// registry once and then found here: the registry's own lookup checks the name, labels and help
/// text on every call, too much for every request.
/// What an answer is counted by, as the engine said it (labels are worked out from it once).
private struct AnswerKind: Hashable, Sendable {
    var route: String
    var model: String?
    var status: Int?
    var scenario: String?
}

/// The last kind of answer a connection counted, with its counters (`requestServed(_:last:)`);
/// a class, so that keeping it is one reference, not its labels copied. Used on its connection's
/// event loop only.
final class AnswerMemo {
    fileprivate let kind: AnswerKind
    fileprivate let counters: AnswerCounters
    fileprivate var tokensIn: Counter?
    fileprivate var tokensOut: Counter?

    fileprivate init(kind: AnswerKind, counters: AnswerCounters) {
        self.kind = kind
        self.counters = counters
    }
}

/// The counters one kind of answer adds to. Its token counters are made on its first answer with
/// tokens (a counter made is shown, at zero, from then on).
private final class AnswerCounters: Sendable {
    enum Direction: Int { case `in`, out }

    let requests: Counter
    /// The `model` label.
    let model: String
    private let tokenCounters = Mutex<[Counter?]>([nil, nil])

    init(requests: Counter, model: String) {
        self.requests = requests
        self.model = model
    }

    func tokens(_ direction: Direction, family: CounterFamily) -> Counter {
        tokenCounters.withLock { counters in
            if let counter = counters[direction.rawValue] { return counter }
            let counter = family.counter([direction == .in ? "in" : "out", model])
            counters[direction.rawValue] = counter
            return counter
        }
    }
}

private final class CounterFamily: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let name: String
    private let help: String
    private let labelNames: [String]
    private let counters = Mutex<[[String]: Counter]>([:])

    init(_ registry: PrometheusCollectorRegistry, _ name: String, _ labelNames: [String], help: String) {
        self.registry = registry
        self.name = name
        self.labelNames = labelNames
        self.help = help
    }

    func counter(_ values: [String]) -> Counter {
        counters.withLock { counters in
            if let counter = counters[values] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "understudy", metricName: name, unitName: "total", helpText: help),
                labels: Array(zip(labelNames, values)))
            counters[values] = counter
            return counter
        }
    }
}

/// One stream's timing, kept by the connection that writes it: in flight from `init` until `end()`
/// (the connection calls it once, when the stream finishes or the connection goes), its first
/// frame timed from the request's arrival and every later one from the frame before.
struct StreamMeter {
    private let metrics: ServerMetrics
    private let arrival: UInt64
    private var lastFrame: UInt64?

    /// `arrival`: `StreamMeter.now()` when the request's last byte was read.
    init(_ metrics: ServerMetrics, arrival: UInt64) {
        self.metrics = metrics
        self.arrival = arrival
        metrics.streamStarted()
    }

    mutating func frameWritten() {
        let now = Self.now()
        if let lastFrame {
            metrics.frameGap(nanoseconds: Self.elapsed(from: lastFrame, to: now))
        } else {
            metrics.firstFrame(afterNanoseconds: Self.elapsed(from: arrival, to: now))
        }
        lastFrame = now
    }

    func end() { metrics.streamEnded() }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    private static func elapsed(from start: UInt64, to end: UInt64) -> Int64 {
        end > start ? Int64(clamping: end - start) : 0
    }
}
