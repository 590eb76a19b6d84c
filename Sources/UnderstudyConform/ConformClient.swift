import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import UnderstudyContract

/// Sends the checks' requests to the target and keeps each answer as an `Exchange`, the form the
/// contract validator reads. Each request names its check in `x-understudy-conform-check`, so
/// conformance traffic can be told apart in a gateway's logs.
public final class ConformClient: Sendable {
    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The base URL as SDKs take it (`http://127.0.0.1:8080/v1`), without a trailing slash.
    public let baseURL: String
    private let apiKey: String?
    private let http: HTTPClient
    private let timeout: TimeAmount
    private let maxBodyBytes = 16 * 1024 * 1024

    public init(baseURL: String, apiKey: String?, timeoutSeconds: Int64 = 60) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
        self.timeout = .seconds(timeoutSeconds)
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10)))
        // A refused connection is an answer here (the target is down), not something to retry
        // with backoff until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// POSTs `body` (JSON bytes, or anything for the malformed cases) to `path` under the base URL.
    func post(_ path: String, body: [UInt8], check: String) async throws(Unreachable) -> Exchange {
        let url = baseURL + path
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let sent: [(name: String, value: String)] = [("content-type", "application/json"), ("x-understudy-conform-check", check)]
        for header in sent { request.headers.add(name: header.name, value: header.value) }
        if let apiKey { request.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: maxBodyBytes)
            return Exchange(
                source: check, method: "POST", url: url,
                request: Exchange.Message(headers: sent, body: body),
                status: Int(response.status.code),
                response: Exchange.Message(headers: response.headers.map { ($0.name, $0.value) },
                                           body: Array(bytes.readableBytesView)))
        } catch {
            throw Unreachable(description: "POST \(url): \(error)")
        }
    }
}
