import Synchronization
import UnderstudyContract

/// The scenario rules with their state: how many requests each has matched. The first rule that
/// matches a request decides for it; probabilities are drawn from the seeded hash of the rule and
/// its count, so a run is reproducible.
final class ScenarioBook: Sendable {
    let rules: [ScenarioRule]
    private let hits: Mutex<[Int]>
    private let seed: UInt64

    init(rules: [ScenarioRule], seed: UInt64) {
        self.rules = rules
        self.hits = Mutex(Array(repeating: 0, count: rules.count))
        self.seed = seed
    }

    /// The actions for this request (empty: it passes), and the rule that gave them.
    func decide(_ request: MockRequest, route: Route, flavor: Flavor, model: String?, provider: String? = nil,
                body: () -> JSONValue?, catalog: ModelCatalog) -> (actions: [ScenarioRule.Action], rule: String?) {
        for (i, rule) in rules.enumerated()
        where rule.matches(request, route: route, flavor: flavor, model: model, provider: provider, body: body, catalog: catalog) {
            let n = hits.withLock { hits in
                hits[i] += 1
                return hits[i]
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
        hits.withLock { $0 = Array(repeating: 0, count: rules.count) }
    }
}
