import UnderstudyContract
import UnderstudyMock

/// How the admin log and the journal are written in Redis: small JSON objects; an admin log
/// entry is its number, a space, then the object (so the log's Lua reads the number).
enum StateCoding {
    static func encode(_ entry: AdminLogEntry) -> [UInt8] {
        let object: JSONObject
        switch entry.change {
        case .addScenarios(let text): object = ["add": .string(text), "names": .array(entry.names.map(JSONValue.string))]
        case .removeScenarios(let name): object = ["remove": name.map(JSONValue.string) ?? .null]
        case .setClock(let clock): object = ["clock": clock.map(encode) ?? .null]
        case .reset: object = ["reset": .bool(true)]
        }
        return Array("\(entry.number) ".utf8) + JSONValue.object(object).jsonBytes
    }

    static func adminEntry(_ bytes: [UInt8]) -> AdminLogEntry? {
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), let number = Int(String(decoding: bytes[..<space], as: UTF8.self)),
              number > 0, let v = try? JSONParser.parse(Array(bytes[(space + 1)...])), let change = adminChange(v) else { return nil }
        let names = v["names"]?.arrayValue?.compactMap(\.stringValue)
        return AdminLogEntry(number: number, change: change, names: names)
    }

    private static func adminChange(_ v: JSONValue) -> AdminChange? {
        guard let (key, value) = v.objectValue?.members.first else { return nil }
        switch key {
        case "add": return value.stringValue.map(AdminChange.addScenarios)
        case "remove": return .removeScenarios(value.stringValue)
        case "clock": return value.isNull ? .setClock(nil) : clock(value).map(AdminChange.setClock)
        case "reset": return .reset
        default: return nil
        }
    }

    private static func encode(_ clock: ServerClock) -> JSONValue {
        switch clock {
        case .system: .string("system")
        case .fixed(let seconds): .int(seconds)
        }
    }

    private static func clock(_ value: JSONValue) -> ServerClock? {
        if value.stringValue == "system" { return .system }
        return value.integerValue.map(ServerClock.fixed)
    }

    static func encode(_ e: JournalEntry) -> [UInt8] {
        JSONValue.object(JSONObject([
            ("at", .int(e.at)), ("method", .string(e.method)), ("path", .string(e.path)), ("status", .int(Int64(e.status))),
            ("flavor", .string(e.flavor.rawValue)), ("scenario", e.scenario.map(JSONValue.string) ?? .null),
            ("attempts", e.attempts.map(JSONValue.string) ?? .null), ("fault", e.fault.map { .string($0.rawValue) } ?? .null),
        ])).jsonBytes
    }

    static func journalEntry(_ bytes: [UInt8], sequence: Int) -> JournalEntry? {
        guard let v = try? JSONParser.parse(bytes), let at = v["at"]?.integerValue, let method = v["method"]?.stringValue,
              let path = v["path"]?.stringValue, let status = v["status"]?.integerValue,
              let flavor = v["flavor"]?.stringValue.flatMap(Flavor.init(rawValue:)) else { return nil }
        return JournalEntry(sequence: sequence, at: at, method: method, path: path, status: Int(status), flavor: flavor,
                            scenario: v["scenario"]?.stringValue, attempts: v["attempts"]?.stringValue,
                            fault: v["fault"]?.stringValue.flatMap(Fault.init(rawValue:)))
    }
}
