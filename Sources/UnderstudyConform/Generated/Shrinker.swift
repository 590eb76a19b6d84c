import UnderstudyContract

/// Shrinks a failing JSON case greedily: tries one-step-smaller variants (a member removed, an array
/// cut, a string shortened, a number zeroed) and keeps the first that still fails, until none does
/// or the budget is spent. `keeps` is the free, local test (the variant is still in the case's class,
/// valid or invalid); `stillFails` costs a request and is what the budget counts.
enum Shrinker {
    /// One-step-smaller variants of `value`, the biggest cuts first.
    static func candidates(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case .object(let object):
            var out: [JSONValue] = []
            for i in object.members.indices {
                var members = object.members
                members.remove(at: i)
                out.append(.object(JSONObject(members)))
            }
            for (i, member) in object.members.enumerated() {
                for smaller in candidates(member.value) {
                    var members = object.members
                    members[i].value = smaller
                    out.append(.object(JSONObject(members)))
                }
            }
            return out
        case .array(let items):
            var out: [JSONValue] = items.count > 1 ? [.array([items[0]])] : []
            if !items.isEmpty { out.append(.array([])) }
            for (i, item) in items.enumerated() {
                for smaller in candidates(item) {
                    var copy = items
                    copy[i] = smaller
                    out.append(.array(copy))
                }
            }
            return out
        case .string(let text):
            let count = text.count
            if count > 8 { return [.string(String(text.prefix(count / 2)))] }
            return count > 1 ? [.string(String(text.prefix(1)))] : []
        case .int(let n):
            return n == 0 ? [] : [.int(0)] + (n > 1 ? [.int(1)] : [])
        case .double(let d):
            return d == 0 ? [] : [.int(0)]
        case .bool, .null:
            return []
        }
    }

    /// The smallest failing variant found, and how many requests it took.
    static func shrink<E: Error>(
        _ value: JSONValue, budget: Int, keeps: (JSONValue) -> Bool, stillFails: (JSONValue) async throws(E) -> Bool
    ) async throws(E) -> (value: JSONValue, tries: Int) {
        var current = value
        var tries = 0
        var progress = true
        while progress && tries < budget {
            progress = false
            for candidate in candidates(current) where keeps(candidate) {
                guard tries < budget else { break }
                tries += 1
                if try await stillFails(candidate) {
                    current = candidate
                    progress = true
                    break
                }
            }
        }
        return (current, tries)
    }
}
