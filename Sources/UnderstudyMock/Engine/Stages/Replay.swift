import UnderstudyContract

/// `--replay`: a recorded exchange matching the request (the nth repeat gets the nth recording),
/// else, under `--replay-miss 404`, a 404.
struct Replay: Stage {
    func run(_ context: inout RequestContext, _ engine: MockEngine) throws(APIError) -> StageDecision {
        guard context.route.isAPI, let replay = engine.configuration.replay else { return .proceed }
        let request = context.request
        let key = ReplayBook.key(method: request.method, path: request.path, parsed: context.body, raw: request.body)
        if let recorded = try replay.recording(key, next: { (key) throws(APIError) in try engine.state.nextOccurrence(key, in: .replay) }) {
            return .answer(Self.replayed(recorded, pacing: replay.recordedPacing))
        }
        if replay.miss == .notFound {
            throw APIError(status: 404, type: "invalid_request_error", code: "no_recording", param: nil,
                           message: "No recorded exchange matches \(request.method) \(request.path) with this body (serving --replay with --replay-miss 404).")
        }
        return .proceed
    }

    /// A recorded exchange as an answer: its status, headers (less the hop-by-hop ones) and body,
    /// a stream split back into its frames.
    static func replayed(_ exchange: Exchange, pacing: Bool) -> MockResponse {
        let hopByHop: Set<String> = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]
        var headers = exchange.response.headers.filter { !hopByHop.contains($0.name.lowercased()) }
        headers.append(("x-understudy-replay", exchange.source))
        guard exchange.response.mediaType == "text/event-stream" else {
            return MockResponse(status: exchange.status, headers: headers, body: .bytes(exchange.response.body))
        }
        let text = String(decoding: exchange.response.body, as: UTF8.self)
        let frames = text.split(separator: "\n\n", omittingEmptySubsequences: true).map { Array(($0 + "\n\n").utf8) }
        var plan = StreamPlan(frames: frames, intervalNanoseconds: 0)
        if pacing, let delays = exchange.frameDelaysMilliseconds, !delays.isEmpty {
            let nanoseconds = delays.map { Int64($0) * 1_000_000 }
            plan.firstFrameDelayNanoseconds = nanoseconds[0]
            if delays.count == frames.count {
                plan.frameDelaysNanoseconds = nanoseconds
            } else {
                // Frames and events do not line up (comment frames): keep the mean gap.
                plan.intervalNanoseconds = nanoseconds.dropFirst().reduce(0, +) / Int64(max(1, delays.count - 1))
            }
        }
        return MockResponse(status: exchange.status, headers: headers, body: .stream(plan))
    }
}
