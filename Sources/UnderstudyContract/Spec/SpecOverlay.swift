/// A provider's contract written as an overlay of another (specs/openrouter.yaml over
/// specs/openai.yaml): a JSON Merge Patch (RFC 7396). A member of the overlay replaces the same
/// member of the base, objects merging member by member; an explicit null removes the member
/// (`/responses/{response_id}: ~` where the provider stores nothing). Arrays are replaced whole.
enum SpecOverlay {
    static func apply(_ patch: JSONValue, to base: JSONValue) -> JSONValue {
        guard case .object(let members) = patch else { return patch }
        var result = base.objectValue ?? JSONObject()
        for member in members.members {
            if member.value.isNull {
                result[member.key] = nil
            } else {
                result[member.key] = apply(member.value, to: result[member.key] ?? .null)
            }
        }
        return .object(result)
    }

    /// The base document with the overlay applied; it keeps the base's name and source map, so a
    /// location in a message points into the base (or at its nearest ancestor there).
    static func apply(_ overlay: SpecDocument, to base: SpecDocument) -> SpecDocument {
        var merged = base
        merged.root = apply(overlay.root, to: base.root)
        return merged
    }
}
