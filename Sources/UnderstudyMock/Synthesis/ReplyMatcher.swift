import Synchronization
import UnderstudyContract

/// Finds the reply rule for a request. Regular-expression matching costs microseconds, and the same
/// prompts come back again and again (tests, load, retries), so verdicts are remembered by a
/// stable hash of model and text. The memo only saves time: a verdict is the same either way.
final class ReplyMatcher: Sendable {
    let rules: [ReplyRule]
    private let memo = Mutex<[UInt64: Int]>([:])
    private static let memoLimit = 4096

    init(rules: [ReplyRule]) {
        self.rules = rules
    }

    func rule(model: ModelInfo, lastUserText: String) -> ReplyRule? {
        guard !rules.isEmpty else { return nil }
        let key = StableHash.hash(lastUserText, seed: StableHash.hash(model.id))
        if let index = memo.withLock({ $0[key] }) { return index < 0 ? nil : rules[index] }
        let index = rules.firstIndex { $0.matches(model: model, lastUserText: lastUserText) } ?? -1
        memo.withLock { memo in
            if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
            memo[key] = index
        }
        return index < 0 ? nil : rules[index]
    }
}
