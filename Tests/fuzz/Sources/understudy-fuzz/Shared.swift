#if canImport(Glibc)
import Glibc
#endif
import UnderstudyContract
import UnderstudyMock

/// What several targets share, built once per process.
enum Shared {
    /// The contract compiled into the binary: recordings are validated against it.
    static let contract: OpenAIContract = {
        do {
            return try OpenAIContract.embedded()
        } catch {
            fatalError("the embedded contract does not compile: \(error)")
        }
    }()

    static let fixtures: Fixtures = {
        do {
            return try Fixtures.embedded()
        } catch {
            fatalError("the embedded fixtures do not load: \(error)")
        }
    }()

    /// Builds what the targets share before the first input.
    @Sendable static func warmUp() {
        _ = (contract, fixtures, folder)
    }

    /// A folder of this process's own for inputs that must be files (TMPDIR, or /tmp).
    static let folder: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let path = "\(base)/understudy-fuzz-\(getpid())"
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { fatalError("cannot create \(path)") }
        return path
    }()

    /// The readers' entry points take paths: the input as the folder's only file, removed afterwards.
    static func withFile(_ input: UnsafeRawBufferPointer, suffix: String, _ body: (String) -> Void) {
        let path = folder + "/input" + suffix
        guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
        if input.count > 0 { fwrite(input.baseAddress, 1, input.count, file) }
        fclose(file)
        defer { unlink(path) }
        body(path)
    }

    /// What `understudy validate` does with a recording, then what `serve --replay` does with it:
    /// each exchange validated against the contract, the file loaded as a replay book and the
    /// first requests sent to an engine that replays it.
    static func validateAndReplay(_ path: String) {
        var requests: [MockRequest] = []
        try? ExchangeReader.read(path: path) { read in
            guard case .success(let exchange) = read else { return }
            let result = contract.exchanges.validate(exchange)
            require(result.passed == result.findings.isEmpty, "a result that passed with findings")
            requests.append(MockRequest(method: exchange.method, path: exchange.path, headers: exchange.request.headers, body: exchange.request.body))
        }
        guard let book = try? ReplayBook(directory: folder, miss: .notFound, recordedPacing: true) else { return }
        var configuration = MockConfiguration(fixtures: fixtures, clock: .fixed(0))
        configuration.replay = book
        let engine = MockEngine(configuration: configuration)
        for request in requests.prefix(8) { check(engine.respond(to: request)) }
    }

    /// What the server would write must be valid HTTP and its waits real durations. A fault
    /// (a cut, reset or garbage instead of an answer) is the one response without a status (its
    /// headers are never written).
    static func check(_ response: MockResponse) {
        if case .fault = response.body {
            require(response.status == 0, "a fault with a status")
        } else {
            require((100...599).contains(response.status), "status \(response.status)")
        }
        for header in response.headers {
            require(!header.name.isEmpty && !(header.name + header.value).utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 },
                    "a header HTTP cannot carry: \(header.name)")
        }
        require(response.delayNanoseconds >= 0, "a negative delay")
        if case .stream(let plan) = response.body {
            require(plan.intervalNanoseconds >= 0 && plan.firstFrameDelayNanoseconds >= 0, "a negative stream delay")
            require((plan.frameDelaysNanoseconds ?? []).allSatisfy { $0 >= 0 }, "a negative frame delay")
        }
    }
}
