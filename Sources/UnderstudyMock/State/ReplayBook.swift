#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyContract

/// Recorded exchanges to serve again (`serve --replay DIR`): matched on method, path and the
/// canonical request body (key order and number spelling do not matter). Repeats of one request
/// get its recordings in order, the last one again after that.
public final class ReplayBook: Sendable {
    public enum Miss: String, Sendable, CaseIterable {
        /// Synthesise an answer as if there were no recordings.
        case synthesize
        /// Answer 404, naming the request that has no recording.
        case notFound = "404"
    }

    struct Recording: Sendable {
        var exchange: Exchange
    }

    private let recordings: [UInt64: [Exchange]]
    public let miss: Miss
    /// Play streams back with their recorded pacing (when recorded), or at full speed.
    public let recordedPacing: Bool
    public var count: Int { recordings.values.reduce(0) { $0 + $1.count } }

    /// Loads every .jsonl and .har file in `directory`.
    public init(directory: String, miss: Miss, recordedPacing: Bool) throws(ExchangeReader.ReadError) {
        var recordings: [UInt64: [Exchange]] = [:]
        var refused: ExchangeReader.ReadError?
        for file in Self.files(in: directory) {
            try ExchangeReader.read(path: file) { read in
                switch read {
                case .success(let exchange):
                    recordings[Self.key(method: exchange.method, path: exchange.path, body: exchange.request.body), default: []].append(exchange)
                case .failure(let error):
                    // A recording that cannot be served as it is (a bad status, a header that
                    // would split the response) stops the load: replaying it would be a lie.
                    if refused == nil { refused = error }
                }
            }
        }
        if let refused { throw refused }
        self.recordings = recordings
        self.miss = miss
        self.recordedPacing = recordedPacing
    }

    static func key(method: String, path: String, body: [UInt8]) -> UInt64 {
        key(method: method, path: path, parsed: try? JSONParser.parse(body), raw: body)
    }

    /// The key of a body already parsed (`parsed`, nil when it is not JSON: then its bytes count).
    static func key(method: String, path: String, parsed: JSONValue?, raw: [UInt8]) -> UInt64 {
        StableHash.combine(StableHash.hash(method), StableHash.hash(path), parsed?.canonicalHash ?? StableHash.hash(raw))
    }

    /// The recording for a request's key, if there is one: the nth repeat gets the nth recording,
    /// counted by `next` (the state's replay counter, shared by replicas).
    func recording(_ key: UInt64, next: (UInt64) throws(APIError) -> Int) throws(APIError) -> Exchange? {
        guard let list = recordings[key], !list.isEmpty else { return nil }
        return list[min(try next(key), list.count - 1)]
    }

    static func files(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".jsonl") || name.hasSuffix(".har") { names.append(directory + "/" + name) }
        }
        return names.sorted()
    }
}
