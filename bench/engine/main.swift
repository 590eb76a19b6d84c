// Benchmark (not a test): the engine alone, with no socket, in microseconds per request.
// `swift run -c release engine-bench [ITERATIONS] [NAME-FRAGMENT | =NAME]`. Use it to find where a request's time goes
// (under `perf record`, say); bench/throughput measures the whole server against nginx.
import UnderstudyContract
import UnderstudyMock
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Only the measurements whose name contains this (second argument), if given; `=NAME`: only NAME.
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""

func measure(_ name: String, iterations: Int, _ body: () -> Void) {
    guard only.isEmpty || (only.hasPrefix("=") ? name == only.dropFirst() : name.contains(only)) else { return }
    for _ in 0..<min(iterations, 1000) { body() }  // warm up
    let start = seconds()
    for _ in 0..<iterations { body() }
    let micros = (seconds() - start) / Double(iterations) * 1e6
    print("\(name.padding(32)) \(String(format3(micros))) µs")
}

func format3(_ value: Double) -> String {
    let scaled = Int((value * 1000).rounded())
    let fraction = String(scaled % 1000)
    return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let fixtures = try Fixtures.embedded()
let headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Authorization", "Bearer test")]
let canned = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}"#.utf8)
let prose = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"Explain how tides work"}]}"#.utf8)
let streamed = Array(#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Explain how tides work"}]}"#.utf8)

let contract = try OpenAIContract.embedded()
for (name, body, caching, validated) in [
    ("canned reply (template cache)", canned, true, false),
    ("canned reply (full path)", canned, false, false),
    ("generated prose", prose, true, false),
    ("generated prose, validated", prose, true, true),
    ("generated prose, streamed", streamed, true, false),
] {
    let engine = MockEngine(configuration: MockConfiguration(
        fixtures: fixtures, contract: validated ? contract : nil, clock: .fixed(1_751_328_000), cacheRepeatableResponses: caching))
    measure(name, iterations: iterations) {
        _ = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", headers: headers, body: body))
    }
}
let parsed = try JSONParser.parse(prose)
measure("JSON parse (request)", iterations: iterations) { _ = try? JSONParser.parse(prose) }
measure("canonical hash (request)", iterations: iterations) { _ = parsed.canonicalHash }
measure("decode ChatRequest", iterations: iterations) { _ = try? ChatRequest.decode(parsed) }
