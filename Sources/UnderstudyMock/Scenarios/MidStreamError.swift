import UnderstudyContract

/// What each provider sends when a stream fails after its 200 is committed.
enum MidStreamError {
    static let message = "The server had an error while processing your request. Sorry about that!"

    /// - Chat, OpenAI: a data-only `{"error": {…}}` frame, then the connection closes.
    /// - Chat, OpenRouter: a chunk with `error` and `finish_reason: "error"`.
    /// - Responses: the `error` event in the documented flat form and the live nested form at
    ///   once (so every SDK reads it), then `response.failed`.
    static func frames(flavor: Flavor, responses: Bool, model: String, sequenceNumber: Int, streamPrefix: [UInt8]) -> [[UInt8]] {
        if responses {
            let responseID = firstResponseID(streamPrefix) ?? "resp_failed"
            var error = JSONWriter()
            error.beginObject()
            error.key("type"); error.string("error")
            error.key("code"); error.string("server_error")
            error.key("message"); error.string(message)
            error.key("param"); error.null()
            error.key("error")
            error.beginObject()
            error.key("type"); error.string("server_error")
            error.key("code"); error.string("server_error")
            error.key("message"); error.string(message)
            error.key("param"); error.null()
            error.endObject()
            error.key("sequence_number"); error.int(sequenceNumber)
            error.endObject()
            var failed = JSONWriter()
            failed.beginObject()
            failed.key("type"); failed.string("response.failed")
            failed.key("response")
            failed.value(.object([
                "id": .string(responseID), "object": .string("response"), "created_at": .int(0), "status": .string("failed"),
                "error": .object(["code": .string("server_error"), "message": .string(message)]),
                "incomplete_details": .null, "instructions": .null, "model": .string(model), "output": .array([]),
                "parallel_tool_calls": .bool(true), "metadata": .object([:]), "tool_choice": .string("auto"), "tools": .array([]),
                "temperature": .double(1), "top_p": .double(1), "usage": .null,
            ]))
            failed.key("sequence_number"); failed.int(sequenceNumber + 1)
            failed.endObject()
            return [sse(error.bytes, event: "error"), sse(failed.bytes, event: "response.failed")]
        }
        var w = JSONWriter()
        w.beginObject()
        if flavor == .openrouter {
            w.key("id"); w.string("gen-error")
            w.key("provider"); w.string("OpenAI")
            w.key("model"); w.string(model)
            w.key("object"); w.string("chat.completion.chunk")
            w.key("created"); w.int(0)
            w.key("error")
            w.value(.object(["code": .int(502), "message": .string("Provider returned error"),
                             "metadata": .object(["error_type": .string("provider_unavailable")])]))
            w.key("choices")
            w.value(.array([.object(["index": .int(0), "delta": .object(["content": .string("")]), "finish_reason": .string("error")])]))
        } else {
            w.key("error")
            w.value(.object(["message": .string(message), "type": .string("server_error"), "param": .null, "code": .string("server_error")]))
        }
        w.endObject()
        return [sse(w.bytes, event: nil)]
    }

    static func sse(_ json: [UInt8], event: String?) -> [UInt8] {
        var frame = event.map { Array("event: \($0)\n".utf8) } ?? []
        frame += Array("data: ".utf8) + json + [0x0A, 0x0A]
        return frame
    }

    /// The response id from a stream's first (response.created) frame.
    static func firstResponseID(_ frame: [UInt8]) -> String? {
        SSEParser.events(frame).first.flatMap { try? JSONParser.parse($0.data) }?["response"]?["id"]?.stringValue
    }
}
