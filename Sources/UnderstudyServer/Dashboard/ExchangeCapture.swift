#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyMock

/// The exchange a connection is answering, noted for the dashboard as it goes: made when the
/// engine answers, a stream's frames added as they are written, handed to the ring when the
/// answer is over. Kept by the connection, like `StreamMeter`.
struct ExchangeCapture {
    private var exchange: DashboardExchange
    private let arrival: UInt64
    private let ring: DashboardRing
    private var frameBytes = 0
    /// A stream's frames counted in flight (nil for a single-body answer).
    private let held: HeldFrames?

    /// `arrival`: `StreamMeter.now()` when the request's last byte was read.
    init(_ request: MockRequest, _ response: MockResponse, arrival: UInt64, ring: DashboardRing, cost: Double? = nil) {
        var body: [UInt8] = []
        var fault = response.injectedFault
        var status = response.status
        switch response.body {
        case .bytes(let bytes): body = DashboardExchange.truncated(bytes, limit: ring.bodyLimit)
        case .fault(let f): fault = f; status = 0
        case .stream: break
        }
        var findings = response.violations
        if let refusal = response.refusal { findings.insert(refusal, at: 0) }
        // Built whole in a local and moved in: set field by field on `self`, the capture was
        // copied and destroyed once more (700 instructions a request).
        var exchange = DashboardExchange(startedAt: Self.wallClockMilliseconds(), request: request, status: status,
                                         responseHeaders: response.headers, responseBody: body, findings: findings)
        if request.body.count > ring.bodyLimit {
            exchange.request.body = DashboardExchange.truncated(request.body, limit: ring.bodyLimit)
        }
        exchange.routeName = response.routeName
        exchange.model = response.model
        exchange.flavor = response.flavor
        exchange.scenario = response.scenario
        exchange.fault = fault?.rawValue
        exchange.attempts = response.header("x-understudy-attempts")
        exchange.usage = response.usage
        exchange.dollars = cost
        if case .stream = response.body { exchange.frames = DashboardExchange.Frames() }
        held = exchange.frames == nil ? nil : HeldFrames(ring)
        self.exchange = exchange
        self.arrival = arrival
        self.ring = ring
    }

    /// A stream's frame was written now; it was due at `due` (both `StreamMeter.now()` nanoseconds).
    mutating func frameWritten(_ bytes: [UInt8], due: UInt64) {
        frameBytes += bytes.count
        let cost = bytes.count + DashboardExchange.frameOverhead
        guard frameBytes <= ring.bodyLimit, let held, ring.reserveInFlight(cost) else {
            exchange.framesDropped += 1
            return
        }
        held.bytes += cost
        exchange.frames?.append(bytes, due: Self.since(arrival, due), sent: Self.since(arrival, StreamMeter.now()))
    }

    /// The answer is over (`ending`: how a stream ended): the exchange goes to the ring (moved, not copied).
    consuming func finish(ending: String? = nil) {
        exchange.ending = ending
        exchange.frames?.trim()
        exchange.durationNanoseconds = Self.since(arrival, StreamMeter.now())
        held?.release()
        ring.add(exchange)
    }

    private static func since(_ start: UInt64, _ end: UInt64) -> Int64 {
        end > start ? Int64(clamping: end - start) : 0
    }

    private static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// A stream's frame bytes counted in the ring's in-flight total, given back when the capture ends,
/// or when it is dropped without ending (a class, so that a lost capture cannot keep them).
private final class HeldFrames {
    let ring: DashboardRing
    var bytes = 0

    init(_ ring: DashboardRing) { self.ring = ring }

    func release() {
        ring.releaseInFlight(bytes)
        bytes = 0
    }

    deinit { ring.releaseInFlight(bytes) }
}
