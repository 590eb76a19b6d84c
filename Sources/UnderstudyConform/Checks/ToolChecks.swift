import UnderstudyContract

/// Function calling: calls name a declared function, and their arguments keep its parameters.
enum ToolChecks {
    static let all: [ConformCheck] = [call, roundTrip, streaming, responses]

    static let parametersJSON = #"""
        {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
         "required": ["city", "unit"], "additionalProperties": false}
        """#
    static var parameters: JSONValue { try! JSONParser.parse(parametersJSON) }
    static let chatTools = #"[{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city", "strict": true, "parameters": \#(parametersJSON)}}]"#
    static let question = #"[{"role": "user", "content": "What is the weather in Lisbon, in celsius?"}]"#

    /// Findings for the tool calls of one assistant message (or stream-assembled calls).
    static func callFindings(_ calls: [JSONValue], context: ConformContext, where place: String) -> [String] {
        if calls.isEmpty { return ["\(place): tool_choice was required but there is no tool call"] }
        var findings: [String] = []
        for (i, call) in calls.enumerated() {
            let name = call["function"]?["name"]?.stringValue ?? call["name"]?.stringValue
            if name != "get_weather" { findings.append("\(place): call \(i) names \(name ?? "no function"), not the declared get_weather") }
            let arguments = call["function"]?["arguments"]?.stringValue ?? call["arguments"]?.stringValue
            findings += context.argumentFindings(arguments, parameters: parameters, call: "\(place): call \(i)")
        }
        return findings
    }

    static let call = ConformCheck(
        name: "tools.call", suite: .tools,
        summary: "a required tool call names the declared function with arguments valid against its parameters"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": \#(question), "tools": \#(chatTools), "tool_choice": "required"}
            """#))
        var findings = answer.expectSuccess()
        guard answer.isSuccess, let choice = answer.json?["choices"]?.arrayValue?.first else { return findings }
        findings += callFindings(choice["message"]?["tool_calls"]?.arrayValue ?? [], context: context, where: "message")
        if let reason = choice["finish_reason"]?.stringValue, reason != "tool_calls" && reason != "stop" {
            findings.append("finish_reason is \(reason) for a tool call")
        }
        return findings
    }

    static let roundTrip = ConformCheck(
        name: "tools.round-trip", suite: .tools,
        summary: "a conversation that answers a tool call with its result gets an assistant reply"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": [{"role": "user", "content": "What is the weather in Lisbon, in celsius?"},
                          {"role": "assistant", "content": null, "tool_calls": [{"id": "call_conform_1", "type": "function",
                           "function": {"name": "get_weather", "arguments": "{\"city\":\"Lisbon\",\"unit\":\"celsius\"}"}}]},
                          {"role": "tool", "tool_call_id": "call_conform_1", "content": "{\"temperature\": 21, \"sky\": \"clear\"}"}],
             "tools": \#(chatTools)}
            """#))
        var findings = answer.expectSuccess()
        guard answer.isSuccess, let message = answer.json?["choices"]?.arrayValue?.first?["message"] else { return findings }
        let content = message["content"]?.stringValue ?? ""
        let calls = message["tool_calls"]?.arrayValue ?? []
        if content.isEmpty && calls.isEmpty { findings.append("the reply to the tool result has neither content nor a tool call") }
        findings += calls.isEmpty ? [] : callFindings(calls, context: context, where: "reply")
        return findings
    }

    static let streaming = ConformCheck(
        name: "tools.streaming", suite: .tools,
        summary: "streamed tool-call deltas assemble into a call whose arguments are valid"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/chat/completions", context.body(#"""
            {"messages": \#(question), "tools": \#(chatTools), "tool_choice": "required", "stream": true}
            """#))
        var findings = answer.expectEventStream()
        guard answer.isSuccess else { return findings }
        // Deltas by index: the first carries id and name, the rest pieces of the arguments.
        var calls: [Int64: (name: String, arguments: String)] = [:]
        var order: [Int64] = []
        for chunk in answer.events {
            for delta in chunk["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                let index = delta["index"]?.integerValue ?? 0
                if calls[index] == nil { order.append(index) }
                var call = calls[index] ?? ("", "")
                call.name += delta["function"]?["name"]?.stringValue ?? ""
                call.arguments += delta["function"]?["arguments"]?.stringValue ?? ""
                calls[index] = call
            }
        }
        let assembled = order.map { index in
            JSONValue.object(["function": .object(["name": .string(calls[index]!.name), "arguments": .string(calls[index]!.arguments)])])
        }
        findings += callFindings(assembled, context: context, where: "stream")
        return findings
    }

    static let responses = ConformCheck(
        name: "tools.responses", suite: .tools,
        summary: "a Responses function_call names the declared function with valid arguments"
    ) { context throws(ConformClient.Unreachable) in
        let answer = try await context.send("/responses", context.body(#"""
            {"input": "What is the weather in Lisbon, in celsius?", "tool_choice": "required",
             "tools": [{"type": "function", "name": "get_weather", "description": "Current weather in a city", "strict": true,
                        "parameters": \#(parametersJSON)}]}
            """#))
        var findings = answer.expectSuccess()
        guard answer.isSuccess, let output = answer.json?["output"]?.arrayValue else { return findings }
        findings += callFindings(output.filter { $0["type"]?.stringValue == "function_call" }, context: context, where: "output")
        return findings
    }
}
