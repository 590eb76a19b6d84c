import NIOHTTP1
import Testing
import UnderstudyContract
import UnderstudyMock
import UnderstudyServer

/// Every model of the catalog answers on the APIs that serve it, under every one of its names,
/// and is refused (in the live API's words) on the one that does not.
@Suite("The model catalog over a socket")
struct ModelCatalogServerTests {
    @Test("every id and alias answers chat or responses as its endpoints say; other providers' models only through OpenRouter")
    func everyModel() async throws {
        let catalog = try Fixtures.embedded().catalog
        try await withServer(clock: .fixed(1_751_328_000)) { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                for model in catalog.models where model.deprecation == nil {
                    // OpenAI answers for its own models; OpenRouter for every provider's.
                    let base = model.id.hasPrefix("openai/") ? "/v1" : "/api/v1"
                    let endpoints = base == "/v1" ? model.openAIEndpoints ?? model.endpoints : model.endpoints
                    for name in [model.id] + model.aliases {
                        let chat = #"{"model":"\#(name)","messages":[{"role":"user","content":"Say hello."}]}"#
                        let r = try await connection.send(.POST, "\(base)/chat/completions", body: Array(chat.utf8), headers: [("content-type", "application/json")])
                        #expect(r.status == (endpoints.contains("chat") ? 200 : 404), "\(name) chat: \(r.text.prefix(200))")
                        let input = #"{"model":"\#(name)","input":"Say hello."}"#
                        let s = try await connection.send(.POST, "\(base)/responses", body: Array(input.utf8), headers: [("content-type", "application/json")])
                        #expect(s.status == (endpoints.contains("responses") ? 200 : 404), "\(name) responses: \(s.text.prefix(200))")
                        if base == "/api/v1" {
                            let refused = try await connection.send(.POST, "/v1/chat/completions", body: Array(chat.utf8), headers: [("content-type", "application/json")])
                            #expect(refused.status == 404, "\(name) is not OpenAI's: \(refused.text.prefix(200))")
                        }
                    }
                }
                let openAIList = try await connection.send(.GET, "/v1/models")
                #expect(!openAIList.text.contains("anthropic/") && !openAIList.text.contains(#""openai/"#))
                // gpt-5.1-codex-mini: Responses-only on OpenAI's API, on chat too through OpenRouter (recorded).
                let codex = #"{"model":"openai/gpt-5.1-codex-mini","messages":[{"role":"user","content":"Say hello."}]}"#
                let routed = try await connection.send(.POST, "/api/v1/chat/completions", body: Array(codex.utf8), headers: [("content-type", "application/json")])
                #expect(routed.status == 200 && openAIList.text.contains(#""id":"gpt-5.1-codex-mini""#))
                let routerList = try await connection.send(.GET, "/api/v1/models")
                #expect(routerList.text.contains("anthropic/claude-sonnet-4.5"))
            }
        }
        #expect(catalog.models.count >= 50)
        #expect(catalog.models.contains { !$0.id.hasPrefix("openai/") })
    }

    @Test("a model of an API the mock does not serve is listed and retrieved as OpenAI's, and refused by the text APIs as not a chat model")
    func modelsOfOtherAPIs() async throws {
        let catalog = try Fixtures.embedded().catalog
        let others = catalog.models.filter { !$0.writesText }
        #expect(Set(others.flatMap(\.endpoints)) == ModelInfo.otherAPIs)
        try await withServer(clock: .fixed(1_751_328_000)) { server in
            try await TestHTTPClient.withConnection(port: server.port) { connection in
                let whisper = try await connection.send(.GET, "/v1/models/whisper-1")
                #expect(whisper.status == 200)
                #expect(whisper.text == #"{"id":"whisper-1","object":"model","created":1677456000,"owned_by":"openai-internal","shutdown_date":null}"#)
                for name in ["dall-e-3", "gpt-realtime-2025-08-28", "omni-moderation-latest", "sora-2-pro"] {
                    let chat = #"{"model":"\#(name)","messages":[{"role":"user","content":"Say hello."}]}"#
                    let refused = try await connection.send(.POST, "/v1/chat/completions", body: Array(chat.utf8), headers: [("content-type", "application/json")])
                    #expect(refused.status == 404)
                    #expect(refused.text.contains("This is not a chat model and thus not supported in the v1/chat/completions endpoint"), "\(name): \(refused.text)")
                    #expect(refused.text.contains(#""param":"model""#))
                }
                let listed = try await connection.send(.GET, "/v1/models")
                #expect(listed.text.contains(#"{"id":"dall-e-3","object":"model","created":1698710400,"owned_by":"system","shutdown_date":null}"#))
                #expect(listed.text.contains(#"{"id":"gpt-4o","object":"model","created":1715558400,"owned_by":"system","shutdown_date":null}"#))
                // OpenRouter's list is of text models.
                let routerList = try await connection.send(.GET, "/api/v1/models")
                #expect(routerList.status == 200 && !routerList.text.contains("dall-e") && !routerList.text.contains("whisper"))
            }
        }
    }

    @Test("a parameter a model refuses is a 400 naming it")
    func refusedParameters() async throws {
        let catalog = try Fixtures.embedded().catalog
        let model = try #require(catalog.models.first { !$0.unsupportedParameters.isEmpty && $0.endpoints.contains("chat") })
        let parameter = model.unsupportedParameters[0]
        try await withServer { server in
            let body = #"{"model":"\#(model.openAIID)","\#(parameter)":1,"messages":[{"role":"user","content":"hi"}]}"#
            let r = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: body)
            #expect(r.status == 400)
            #expect(try JSONParser.parse(r.body)["error"]?["param"] == .string(parameter))
        }
    }

    @Test("--models open serves unknown ids with a stand-in's facts and says so; the default stays 404")
    func openModels() async throws {
        let body = #"{"model":"ft:gpt-4o-mini:acme::abc123","messages":[{"role":"user","content":"hi"}]}"#
        try await withServer { server in
            let unknown = try await TestHTTPClient.send(port: server.port, .POST, "/v1/chat/completions", json: body)
            #expect(unknown.status == 404)
        }
        var fixtures = try Fixtures.embedded()
        fixtures.catalog.openDefault = "gpt-4o"
        let engine = MockEngine(configuration: MockConfiguration(fixtures: fixtures, contract: testContract, selfCheck: true, clock: .fixed(0)))
        let fineTune = engine.respond(to: MockRequest(method: "POST", path: "/v1/chat/completions", body: Array(body.utf8)))
        #expect(fineTune.status == 200)
        #expect(fineTune.headers.contains { $0.name == "x-understudy-model-stand-in" && $0.value == "openai/gpt-4o-mini" })
        let gateway = engine.respond(to: MockRequest(method: "POST", path: "/v1/responses",
                                                     body: Array(#"{"model":"my-gateway-model","input":"hi"}"#.utf8)))
        #expect(gateway.status == 200)
        #expect(gateway.headers.contains { $0.name == "x-understudy-model-stand-in" && $0.value == "openai/gpt-4o" })
        #expect(engine.selfCheckViolations.isEmpty)
    }
}
