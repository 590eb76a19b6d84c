#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import UnderstudyContract

/// `understudy spec diff` on documents derived from the official one, written to a temporary folder
/// by the test (never committed). Skipped, by name, without UNDERSTUDY_OPENAPI_DOCUMENT.
@Suite("understudy spec diff", .enabled(if: SpecLoadingTests.officialPath != nil, SpecLoadingTests.withoutOfficialDocument))
struct SpecDiffTests {
    static let official: SpecDocument = { try! SpecDocument.load(path: SpecLoadingTests.officialPath!) }()

    /// `value` with `transform` applied at the member path `path`.
    static func updating(_ value: JSONValue, _ path: ArraySlice<String>, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard let key = path.first else { return transform(value) }
        switch value {
        case .object(var object):
            if let child = object[key] { object[key] = updating(child, path.dropFirst(), transform) }
            return .object(object)
        case .array(var items):
            if let i = Int(key), items.indices.contains(i) { items[i] = updating(items[i], path.dropFirst(), transform) }
            return .array(items)
        default:
            return value
        }
    }

    /// The official document with the three planted changes, as JSON in a temporary folder.
    static func planted() throws -> String {
        var root = official.root
        let schemas = ["components", "schemas"]
        // 1. An enum value removed: chat's finish_reason loses "stop" (JSON answers and stream chunks).
        for owner in ["CreateChatCompletionResponse", "CreateChatCompletionStreamResponse"] {
            root = updating(root, ArraySlice(schemas + [owner, "properties", "choices", "items", "properties", "finish_reason", "enum"])) {
                .array(($0.arrayValue ?? []).filter { $0 != .string("stop") })
            }
        }
        // 2. A property made required: the chat request's temperature.
        root = updating(root, ArraySlice(schemas + ["CreateChatCompletionRequest", "allOf", "1", "required"])) {
            .array(($0.arrayValue ?? []) + [.string("temperature")])
        }
        // 3. A stream event type added to the Responses stream.
        root = updating(root, ArraySlice(schemas + ["ResponseStreamEvent", "anyOf"])) {
            .array(($0.arrayValue ?? []) + [try! JSONParser.parse(#"{"type":"object","required":["type"],"properties":{"type":{"type":"string","enum":["response.planted"]}}}"#)])
        }
        var template = Array("/tmp/understudy-diff-XXXXXX".utf8CString)
        let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        let path = folder + "/new.json"
        let file = try #require(fopen(path, "w"))
        fputs(root.jsonString, file)
        fclose(file)
        return path
    }

    @Test("identical documents: no change")
    func identical() {
        #expect(SpecDiff(old: Self.official, new: Self.official).changes == [])
    }

    @Test("each planted change is found with its pointer and label; the recordings it breaks are listed; all three formats carry them")
    func plantedChanges() throws {
        let new = try SpecDocument.load(path: try Self.planted())
        var diff = SpecDiff(old: Self.official, new: new)
        let lines = diff.changes.map(\.line)
        #expect(lines.contains(#"ok POST /chat/completions response 200 application/json /choices/*/finish_reason: enum value removed "stop" (#/components/schemas/CreateChatCompletionResponse/properties/choices/items/properties/finish_reason)"#), "\(lines)")
        #expect(lines.contains("BREAKING POST /chat/completions request /temperature: now required temperature (#/components/schemas/CreateChatCompletionRequest/allOf/1/required)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("BREAKING POST /responses response 200 text/event-stream /: stream event type added response.planted") }, "\(lines)")
        // "stop" is gone from the five chat operations that answer completions or chunks.
        #expect(lines.filter { $0.contains(#"enum value removed "stop""#) }.count == 5, "\(lines)")
        #expect(diff.changes.count == 7, "\(lines)")
        try diff.checkTraffic(files: [TrafficValidationTests.traffic + "/valid/understudy.jsonl"],
                              old: try ExchangeValidator(document: Self.official), new: try ExchangeValidator(document: new))
        #expect(!diff.brokenRecordings.isEmpty)
        #expect(diff.brokenRecordings.allSatisfy { $0.findings.contains { $0.contains("temperature") || $0.contains(#""stop""#) } },
                "\(diff.brokenRecordings.map(\.findings))")
        #expect(diff.breaking)
        let text = SpecDiffReport.text(diff)
        #expect(text.hasSuffix("7 changes, 2 breaking, \(diff.brokenRecordings.count) recordings broken"), "\(text)")
        let json = try JSONParser.parse(SpecDiffReport.json(diff))
        #expect(json["summary"]?["breaking"] == .int(2))
        #expect(json["changes"]?.arrayValue?.count == 7)
        let junit = SpecDiffReport.junit(diff)
        #expect(junit.contains("failures=\"\(2 + diff.brokenRecordings.count)\""), "\(junit)")
    }
}
