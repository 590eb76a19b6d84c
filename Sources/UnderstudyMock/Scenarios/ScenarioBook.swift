import Synchronization
import UnderstudyContract

/// The scenario rules with their state: how many requests each has matched. The first rule that
/// matches a request decides for it; probabilities are drawn from the seeded hash of the rule and
/// its count, so a run is reproducible.
final class ScenarioBook: Sendable {
    private struct State {
        var rules: [ScenarioRule]
        var hits: [Int]
    }

    private let state: Mutex<State>
    private let seed: UInt64

    init(rules: [ScenarioRule], seed: UInt64) {
        self.state = Mutex(State(rules: rules, hits: Array(repeating: 0, count: rules.count)))
        self.seed = seed
    }

    var rules: [ScenarioRule] { state.withLock { $0.rules } }

    /// Adds rules at the end (the admin API); a rule with a name already present replaces it.
    func add(_ new: [ScenarioRule]) {
        state.withLock { s in
            for rule in new {
                if let i = s.rules.firstIndex(where: { $0.name == rule.name }) {
                    s.rules[i] = rule
                    s.hits[i] = 0
                } else {
                    s.rules.append(rule)
                    s.hits.append(0)
                }
            }
        }
    }

    /// Removes the rule of that name (or all, for nil); returns how many went.
    func remove(named name: String?) -> Int {
        state.withLock { s in
            let before = s.rules.count
            let keep = s.rules.indices.filter { name != nil && s.rules[$0].name != name }
            s.rules = keep.map { s.rules[$0] }
            s.hits = keep.map { s.hits[$0] }
            return before - s.rules.count
        }
    }

    /// The actions for this request (empty: it passes), and the rule that gave them.
    func decide(_ request: MockRequest, route: Route, flavor: Flavor, model: String?, provider: String? = nil,
                body: () -> JSONValue?, catalog: ModelCatalog) -> (actions: [ScenarioRule.Action], rule: String?) {
        let rules = self.rules
        for (i, rule) in rules.enumerated()
        where rule.matches(request, route: route, flavor: flavor, model: model, provider: provider, body: body, catalog: catalog) {
            let n = state.withLock { s -> Int in
                guard i < s.hits.count, s.rules[i].name == rule.name else { return 1 }
                s.hits[i] += 1
                return s.hits[i]
            }
            if let nth = rule.match.nth, n != nth { return ([], nil) }
            if let every = rule.every, every > 0, n % every != 0 { return ([], nil) }
            if let p = rule.probability {
                let draw = Double(StableHash.combine(seed, StableHash.hash(rule.name), UInt64(n)) >> 11) / Double(1 << 53)
                if draw >= p { return ([], nil) }
            }
            // The step for this count (times add up; past the last step, requests pass).
            let index = rule.every != nil || rule.probability != nil ? 0 : n - 1
            var passed = 0
            for step in rule.steps {
                if index < passed + step.times { return (step.actions, rule.name) }
                passed += step.times
            }
            return ([], rule.name)
        }
        return ([], nil)
    }

    func reset() {
        state.withLock { $0.hits = Array(repeating: 0, count: $0.rules.count) }
    }
}
