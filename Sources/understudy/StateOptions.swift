import ArgumentParser
import Logging
import NIOPosix
import UnderstudyMock
import UnderstudyRedis
import UnderstudyRedisState

/// Where `serve` keeps what it learns: in memory, or in Redis shared with other replicas.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "Where what the server learns is kept: in this process, or in a Redis shared with every replica pointed at it. (values: memory, redis://HOST:PORT[/DB]; default: memory)",
        valueName: "state"))
    var locationArgument: String?

    var location: String { locationArgument ?? "memory" }

    @Option(name: .customLong("state-prefix"), help: "Prefix of every Redis key, so several mocks can share one Redis (letters, digits, '-', '_', '.').")
    var prefix = "understudy"

    @Option(name: .customLong("state-failure"), help: "When Redis is lost while serving: closed gives 503s until it returns; open, this server's memory meanwhile.")
    var failure: StateFailure = .closed

    enum StateFailure: String, ExpressibleByArgument, CaseIterable {
        case closed, open
    }

    func validate() throws {
        guard !prefix.isEmpty, prefix.utf8.allSatisfy({ b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E
        }) else {
            throw ValidationError("--state-prefix takes letters, digits, '-', '_' and '.', not '\(prefix)'.")
        }
        if location != "memory" {
            do { _ = try RedisAddress(url: location) } catch { throw ValidationError("--state \(location): \(error.message)") }
        }
    }

    /// The shared state, connected (nil for memory); exits 2 with a clear line when Redis cannot
    /// be reached at start.
    func connect(recordLimit: Int, logger: Logger) async throws -> (any ServerState)? {
        guard location != "memory" else { return nil }
        let address = try RedisAddress(url: location)
        let client = RedisClient(address: address, group: MultiThreadedEventLoopGroup.singleton)
        do {
            try await client.connect()
        } catch {
            printError("understudy: --state \(location): cannot reach Redis (\(error.message))")
            throw ExitCode(2)
        }
        var limits = RedisState.Limits()
        limits.records = recordLimit
        let shared = RedisState(client: client, address: address, prefix: prefix, limits: limits, logger: logger)
        switch failure {
        case .closed: return shared
        case .open: return FailOpenState(shared: shared, local: MemoryState(recordLimit: recordLimit), logger: logger)
        }
    }
}
