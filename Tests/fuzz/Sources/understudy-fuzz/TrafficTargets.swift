@testable import UnderstudyContract

extension FuzzTarget {
    /// A text/event-stream body: split whole or in pieces, the same events; then validated as a
    /// recorded chat and Responses stream (chunk schemas and their order).
    static let sse = FuzzTarget(name: "sse", summary: "SSEParser whole and incremental; chat and Responses stream checks",
                                prepare: Shared.warmUp) { input in
        let bytes = Array(input)
        let whole = SSEParser.events(bytes)
        var parser = SSEParser.Incremental()
        var pieces: [SSEParser.Event] = []
        var start = 0
        while start < bytes.count {
            // Piece sizes from the body itself: deterministic, and varied by the fuzzer.
            let end = min(bytes.count, start + Int(bytes[start] % 7) + 1)
            pieces += parser.feed(bytes[start..<end])
            start = end
        }
        pieces += parser.finish()
        require(pieces == whole, "incremental parsing found other events than parsing the whole body")
        for (path, body) in [("/v1/chat/completions", #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#),
                             ("/v1/responses", #"{"model":"gpt-4o","stream":true,"input":"hi"}"#)] {
            let exchange = Exchange(source: "fuzz", method: "POST", url: path,
                                    request: Exchange.Message(headers: [("content-type", "application/json")], body: Array(body.utf8)),
                                    status: 200, response: Exchange.Message(headers: [("content-type", "text/event-stream")], body: bytes))
            let result = Shared.contract.exchanges.validate(exchange)
            require(result.passed == result.findings.isEmpty, "a result that passed with findings")
        }
    }

    /// A HAR file as `understudy validate` and `serve --replay` read it; the entry scanner finds the same entries
    /// whether the file arrives whole or in pieces.
    static let har = FuzzTarget(name: "har", summary: "HAREntryScanner (whole and in pieces), ExchangeReader, validation of each entry, replay",
                                prepare: Shared.warmUp) { input in
        let bytes = Array(input)
        func scan(pieces: Int) -> (entries: [[UInt8]], incomplete: String?) {
            var scanner = HAREntryScanner()
            var entries: [[UInt8]] = []
            bytes.withUnsafeBufferPointer { buffer in
                var start = 0
                let size = max(1, buffer.count / pieces)
                while start < buffer.count {
                    let end = min(buffer.count, start + size)
                    scanner.feed(UnsafeBufferPointer(rebasing: buffer[start..<end])) { entries.append($0) }
                    start = end
                }
            }
            return (entries, scanner.incompleteReason)
        }
        let whole = scan(pieces: 1)
        let split = scan(pieces: 1 + Int(bytes.first ?? 0) % 16)
        require(whole.entries == split.entries && whole.incomplete == split.incomplete, "the HAR scanner depends on how the file is cut")
        Shared.withFile(input, suffix: ".har", Shared.validateAndReplay)
    }

    /// Our JSONL recordings as `understudy validate` and `serve --replay` read them.
    static let jsonl = FuzzTarget(name: "jsonl", summary: "ExchangeReader on JSONL, validation of each exchange, replay",
                                  prepare: Shared.warmUp) { input in
        Shared.withFile(input, suffix: ".jsonl", Shared.validateAndReplay)
    }
}
