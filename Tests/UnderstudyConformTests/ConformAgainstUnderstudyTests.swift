// `understudy conform`'s checks run against a real in-process Understudy over sockets.
import Testing
import UnderstudyConform
import UnderstudyContract
import UnderstudyTesting

@Suite struct ConformAgainstUnderstudyTests {
    static func runner(_ understudy: Understudy, deterministic: Bool = true) throws -> (ConformRunner, ConformClient) {
        let client = ConformClient(baseURL: understudy.openAIBaseURL, apiKey: "sk-conform")
        let runner = ConformRunner(client: client, contract: try OpenAIContract.embedded(), options: ConformOptions(generatedCases: 10, deterministic: deterministic))
        return (runner, client)
    }

    @Test func everyCheckPassesAndTheServerSeesNoViolation() async throws {
        try await Understudy.withServer { understudy in
            let (runner, client) = try Self.runner(understudy)
            let results = try await runner.run(ConformRunner.checks(suites: nil))
            await client.shutdown()
            #expect(results.count == ConformCheck.all.count)
            for result in results {
                #expect(result.outcome == .passed, "\(result.check): \(result.findings)")
                #expect(result.requests > 0, "\(result.check) sent nothing")
            }
            // The server's own self-check saw every answer too.
            #expect(understudy.contractViolations.isEmpty, "\(understudy.contractViolations)")
            // Every generated valid and invalid case reached the server.
            #expect(understudy.journal.count >= 20)
        }
    }

    @Test func aScenarioOutageFailsTheCheckItHits() async throws {
        try await Understudy.withServer { understudy in
            try understudy.addScenarios("""
                scenarios:
                  - name: break-one-check
                    match: {header: {x-understudy-conform-check: responses.create}}
                    error: server-error
                """)
            let (runner, client) = try Self.runner(understudy)
            let results = try await runner.run(ConformRunner.checks(suites: [.responses, .chat]))
            await client.shutdown()
            let failed = results.filter { $0.outcome == .failed }
            #expect(failed.map(\.check) == ["responses.create"])
            #expect(failed.first?.findings.first?.hasPrefix("expected 200, got 500") == true, "\(failed)")
        }
    }

    @Test func determinismIsSkippedUnlessClaimed() async throws {
        try await Understudy.withServer { understudy in
            let (runner, client) = try Self.runner(understudy, deterministic: false)
            let results = try await runner.run(ConformRunner.checks(suites: [.chat]))
            await client.shutdown()
            #expect(results.first { $0.check == "chat.determinism" }?.outcome == .skipped)
            #expect(results.first { $0.check == "chat.determinism" }?.requests == 0)
        }
    }

    @Test func anUnreachableTargetThrows() async throws {
        // A port nothing listens on: a server started and stopped.
        let understudy = try await Understudy.start()
        let url = understudy.openAIBaseURL
        await understudy.stop()
        let client = ConformClient(baseURL: url, apiKey: nil, timeoutSeconds: 5)
        let runner = ConformRunner(client: client, contract: try OpenAIContract.embedded(), options: ConformOptions())
        await #expect(throws: ConformClient.Unreachable.self) {
            _ = try await runner.run(ConformRunner.checks(suites: [.chat]))
        }
        await client.shutdown()
    }
}
