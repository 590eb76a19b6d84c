/// One change between two documents that matters to a client of an operation.
public struct SpecChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case endpointAdded = "endpoint added", endpointRemoved = "endpoint removed"
        case propertyAdded = "property added", propertyRemoved = "property removed"
        case nowRequired = "now required", noLongerRequired = "no longer required"
        case typeChanged = "type changed"
        case enumValueAdded = "enum value added", enumValueRemoved = "enum value removed"
        case variantAdded = "variant added", variantRemoved = "variant removed"
        case eventTypeAdded = "stream event type added", eventTypeRemoved = "stream event type removed"
    }

    /// `POST /chat/completions`.
    public var operation: String
    /// `request`, `response 200 application/json`, `response 200 text/event-stream`, or `` for endpoints.
    public var place: String
    /// Where in the instance, `/choices/*/finish_reason`.
    public var instancePath: String
    public var kind: Kind
    /// What was added, removed or changed (`"developer"`, `string → integer`).
    public var detail: String
    /// The JSON pointer in the document that has it (NEW, or OLD for what was removed).
    public var pointer: String
    public var breaking: Bool

    /// One line: `BREAKING POST /chat/completions request /n: now required (#/components/…)`.
    public var line: String {
        let at = [operation, place, instancePath].filter { !$0.isEmpty }.joined(separator: " ")
        return "\(breaking ? "BREAKING" : "ok") \(at): \(kind.rawValue)\(detail.isEmpty ? "" : " \(detail)") (\(pointer))"
    }
}
