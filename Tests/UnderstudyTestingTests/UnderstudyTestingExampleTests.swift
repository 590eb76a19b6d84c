// docs/swift-testing.md's example: an app's own HTTP client (here URLSession) tested against an in-process
// Understudy, with a scenario that fails twice before answering.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import UnderstudyMock
import UnderstudyTesting

/// A client such as an app would have: POST a prompt, retry 429s up to three times.
struct TinyChatClient {
    var baseURL: String

    func complete(_ prompt: String) async throws -> (text: String, attempts: Int) {
        var request = URLRequest(url: URL(string: baseURL + "/chat/completions")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer test", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "model": "gpt-4o", "messages": [["role": "user", "content": prompt]],
        ])
        for attempt in 1...3 {
            let (data, response) = try await URLSession.shared.data(for: request)
            if (response as? HTTPURLResponse)?.statusCode == 429 { continue }
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let message = ((body?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            return (message ?? "", attempt)
        }
        throw URLError(.badServerResponse)
    }
}

@Suite("UnderstudyTesting")
struct UnderstudyTestingExampleTests {
    @Test("a client retries two 429s and gets its answer; the journal shows all three")
    func retries() async throws {
        try await Understudy.withServer { server in
            try server.addScenarios("""
            scenarios:
              - name: flaky
                sequence:
                  - error: rate-limit
                    times: 2
                  - pass
            """)
            let client = TinyChatClient(baseURL: server.openAIBaseURL)
            let answer = try await client.complete("Hello")
            #expect(answer.text == "Hello! How can I help you today?")
            #expect(answer.attempts == 3)
            #expect(server.journal.map(\.status) == [429, 429, 200])
            #expect(server.journal.first?.scenario == "flaky")
            #expect(server.contractViolations.isEmpty)
        }
    }

    @Test("two servers in one process, each on its own port")
    func twoServers() async throws {
        let a = try await Understudy.start()
        let b = try await Understudy.start(flavor: .openrouter)
        #expect(a.port != b.port && a.baseURL.hasPrefix("http://127.0.0.1:"))
        await a.stop()
        await b.stop()
    }
}
