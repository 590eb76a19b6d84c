/// Compares one schema in OLD with its counterpart in NEW, recursively, and labels each change by
/// what it does to a client: in a request NEW must accept all OLD accepted; in a response NEW must
/// promise all OLD promised and send nothing a strict client of OLD cannot parse (strict SDKs reject
/// an enum value or event type they do not know), and recordings made under OLD must still pass.
struct SchemaDiff {
    enum Position { case request, response }

    let old: SpecDocument
    let new: SpecDocument
    let operation: String
    let place: String
    let position: Position
    private(set) var changes: [SpecChange] = []
    /// Pairs of locations already compared: shared components are compared once, cycles end.
    private var seen: Set<String> = []

    init(old: SpecDocument, new: SpecDocument, operation: String, place: String, position: Position) {
        self.old = old
        self.new = new
        self.operation = operation
        self.place = place
        self.position = position
    }

    /// The stream's event schema itself: its variants are the event types.
    private func isEventList(_ path: String) -> Bool {
        path.isEmpty && place.hasSuffix("text/event-stream")
    }

    mutating func compare(_ a: (JSONValue, String), _ b: (JSONValue, String), path: String) {
        let was = SchemaFacts(a.0, pointer: a.1, in: old)
        let now = SchemaFacts(b.0, pointer: b.1, in: new)
        guard seen.insert(was.pointer + "|" + now.pointer).inserted else { return }
        let isRequest = position == .request
        func note(_ kind: SpecChange.Kind, _ detail: String, _ at: String, _ path: String, breaking: Bool) {
            changes.append(SpecChange(operation: operation, place: place, instancePath: path.isEmpty ? "/" : path, kind: kind,
                                      detail: detail, pointer: "#" + at, breaking: breaking))
        }
        if !was.types.isEmpty, !now.types.isEmpty, was.types != now.types {
            let lost = !was.types.subtracting(now.types).isEmpty, gained = !now.types.subtracting(was.types).isEmpty
            note(.typeChanged, "\(was.types.sorted().joined(separator: "|")) → \(now.types.sorted().joined(separator: "|"))",
                 now.pointer, path, breaking: isRequest ? lost : gained)
        }
        if let before = was.enumValues, let after = now.enumValues {
            for value in before where !after.contains(value) { note(.enumValueRemoved, value, was.pointer, path, breaking: isRequest) }
            for value in after where !before.contains(value) { note(.enumValueAdded, value, now.pointer, path, breaking: !isRequest) }
        }
        for property in was.properties {
            let at = path + "/" + property.name
            guard let counterpart = now.properties.first(where: { $0.name == property.name }) else {
                // Sent by clients (request), or read by them when it was promised (response).
                note(.propertyRemoved, property.name, property.pointer, at, breaking: isRequest || was.required.contains(property.name))
                continue
            }
            if now.required.contains(property.name) && !was.required.contains(property.name) {
                note(.nowRequired, property.name, now.requiredAt[property.name] ?? now.pointer, at, breaking: true)
            } else if was.required.contains(property.name) && !now.required.contains(property.name) {
                note(.noLongerRequired, property.name, was.requiredAt[property.name] ?? was.pointer, at, breaking: !isRequest)
            }
            compare((property.value, property.pointer), (counterpart.value, counterpart.pointer), path: at)
        }
        for property in now.properties where !was.properties.contains(where: { $0.name == property.name }) {
            note(.propertyAdded, property.name, property.pointer, path + "/" + property.name, breaking: now.required.contains(property.name))
        }
        if let a = was.items, let b = now.items { compare(a, b, path: path + "/*") }
        for variant in was.variants {
            guard let counterpart = now.variants.first(where: { $0.key == variant.key }) else {
                note(isEventList(path) && variant.isEventType ? .eventTypeRemoved : .variantRemoved, variant.key, variant.pointer, path, breaking: isRequest)
                continue
            }
            compare((variant.value, variant.pointer), (counterpart.value, counterpart.pointer), path: path)
        }
        for variant in now.variants where !was.variants.contains(where: { $0.key == variant.key }) {
            note(isEventList(path) && variant.isEventType ? .eventTypeAdded : .variantAdded, variant.key, variant.pointer, path, breaking: !isRequest)
        }
    }
}
