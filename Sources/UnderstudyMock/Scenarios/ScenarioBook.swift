import Synchronization
import UnderstudyContract

/// The scenario rules in force and the clock the admin API set: the fixtures' rules with the
/// state's admin changes replayed over them in order. Every server sharing one state replays the
/// same log, so all agree on the rules, on which admin change added each (its generation, which
/// keys its match count) and on the clock. When the log was compacted past what a server has
/// applied, it replays the log from the fixtures' rules (`AdminLogRead.fromStart`).
///
/// The first rule that matches a request decides for it; probabilities are drawn from the seeded
/// hash of the rule and its count, so a run is reproducible.
final class ScenarioBook: Sendable {
    struct ActiveRule: Sendable {
        var rule: ScenarioRule
        /// The admin change that added it (1-based), 0 for the fixtures' rules.
        var generation: Int
    }

    private struct View {
        var rules: [ActiveRule]
        var clock: ServerClock?
        /// How many admin changes have been applied.
        var applied = 0
    }

    private let view: Mutex<View>
    private let fixtures: [ActiveRule]
    private let seed: UInt64

    init(rules: [ScenarioRule], seed: UInt64) {
        self.fixtures = rules.map { ActiveRule(rule: $0, generation: 0) }
        self.view = Mutex(View(rules: fixtures))
        self.seed = seed
    }

    var rules: [ActiveRule] { view.withLock { $0.rules } }
    var clock: ServerClock? { view.withLock { $0.clock } }
    var applied: Int { view.withLock { $0.applied } }

    /// Applies the changes read that are not applied yet (two requests may catch up at once: a
    /// read older than what is applied changes nothing).
    func apply(_ read: AdminLogRead) {
        view.withLock { v in
            guard read.last > v.applied else { return }
            if read.fromStart { v = View(rules: fixtures) }
            for entry in read.entries where entry.number > v.applied {
                let number = entry.number
                switch entry.change {
                case .addScenarios(let text):
                    // Checked when it was appended; a document this build cannot read adds nothing.
                    for rule in (try? ScenarioRule.parseAll(yaml: text, file: "scenarios")) ?? [] {
                        let active = ActiveRule(rule: rule, generation: number)
                        if let i = v.rules.firstIndex(where: { $0.rule.name == rule.name }) { v.rules[i] = active } else { v.rules.append(active) }
                    }
                case .removeScenarios(let name):
                    v.rules.removeAll { name == nil || $0.rule.name == name }
                case .setClock(let clock):
                    v.clock = clock
                case .reset:
                    v.clock = nil
                }
                v.applied = number
            }
            v.applied = read.last
        }
    }

    /// The actions for this request (empty: it passes), and the rule that gave them. `hit`
    /// counts a match of a rule and returns its count.
    func decide(_ request: MockRequest, route: Route, flavor: Flavor, model: String?, provider: String? = nil,
                body: () -> JSONValue?, catalog: ModelCatalog,
                hit: (ActiveRule) throws(APIError) -> Int) throws(APIError) -> (actions: [ScenarioRule.Action], rule: String?) {
        for active in rules
        where active.rule.matches(request, route: route, flavor: flavor, model: model, provider: provider, body: body, catalog: catalog) {
            let rule = active.rule
            let n = try hit(active)
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
}
