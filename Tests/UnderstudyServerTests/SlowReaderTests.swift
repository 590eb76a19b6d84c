#if canImport(Glibc)
import Glibc
#endif
import NIOHTTP1
import Testing
import UnderstudyServer

/// A client that asks for a large stream and never reads it must not hold the server's memory or
/// a connection forever: frames are written only while the socket takes them, and the stream is
/// given up after an idle period without progress.
@Suite("Clients that stop reading")
struct SlowReaderTests {
    @Test("a stream nobody reads is closed after the idle timeout; the server keeps serving")
    func neverReads() async throws {
        let words = Array(repeating: "copper", count: 6_000).joined(separator: " ")
        let scenarios = """
        scenarios:
          - name: long
            match: {header: {x-test: long}}
            reply: "\(words)"
        """
        // No self-check: checking each of the ~26,000 chunks first made the stream slower to write
        // (in a debug build, beside the other suites) than the client reads it once it starts,
        // so the server never stalled and the test's premise failed.
        try await withServer(scenarios: scenarios, selfCheck: false, configure: { $0.idleTimeout = .milliseconds(500) }) { server in
            // A plain socket with a small receive buffer set before connecting (no autotuning), so
            // the server's side stops being writable once the kernel buffers are full.
            let fd = blockingSocket(port: server.port, receiveBuffer: 4096, receiveTimeout: 30)
            #expect(fd >= 0)
            defer { close(fd) }
            let body = #"{"model":"gpt-4o","n":4,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
            let request = Array("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-test: long\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
            #expect(send(fd, request, request.count, 0) == request.count)
            // Wait for the answer to start, then read nothing for several idle periods (time for
            // the server to fill the kernel's buffers, stall, and give up, on a busy machine too).
            var first = [UInt8](repeating: 0, count: 16)
            #expect(recv(fd, &first, first.count, 0) == first.count)
            try await Task.sleep(for: .seconds(4))
            // Then read: the server gave up, so what arrives ends (EOF or reset) well short of the
            // ~7.7 MB stream (4 × 6,000 tokens). Had it kept the stream, all of it would arrive and the keep-alive
            // connection would stay open until the 10 s receive timeout.
            var received = 0
            var ended = false
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = recv(fd, &chunk, chunk.count, 0)
                if n > 0 { received += n; continue }
                ended = n == 0 || errno == ECONNRESET
                break
            }
            #expect(ended, "the connection stayed open (errno \(errno))")
            #expect(received < 6_000_000, "\(received) of ~7.7 MB arrived: the whole stream was kept")
            // A blocking socket sends its request as soon as it connects: the 500 ms idle rule
            // starts when the server accepts, and a client on a busy test machine that waited
            // that long before sending would rightly be closed as idle.
            let after = blockingExchange(port: server.port, "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: \(MalformedRequestTests.good.utf8.count)\r\n\r\n\(MalformedRequestTests.good)")
            #expect(after.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(after.prefix(200))")
        }
    }
}
