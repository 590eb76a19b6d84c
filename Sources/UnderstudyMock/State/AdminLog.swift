import UnderstudyContract

/// One admin change in the log, with its number (1-based, never reused: the generation of the
/// rules it adds) and, for a scenarios document, the names of its rules.
public struct AdminLogEntry: Sendable, Equatable {
    public var number: Int
    public var change: AdminChange
    /// The rules an `addScenarios` adds (empty for other changes).
    public var names: [String]

    public init(number: Int, change: AdminChange, names: [String]? = nil) {
        self.number = number
        self.change = change
        if let names {
            self.names = names
        } else if case .addScenarios(let text) = change {
            self.names = ((try? ScenarioRule.parseAll(yaml: text, file: "scenarios")) ?? []).map(\.name)
        } else {
            self.names = []
        }
    }
}

/// What a server reads to catch up with the admin log.
public struct AdminLogRead: Sendable, Equatable {
    /// The changes to apply, oldest first.
    public var entries: [AdminLogEntry]
    /// True when changes the reader had applied were compacted away since: it replays `entries`
    /// over its own starting rules instead of over what it has.
    public var fromStart: Bool
    /// The number of the newest change appended (it may have been compacted away itself).
    public var last: Int

    public init(entries: [AdminLogEntry] = [], fromStart: Bool = false, last: Int = 0) {
        self.entries = entries
        self.fromStart = fromStart
        self.last = last
    }

    /// What a reader that has applied the first `applied` changes reads from `log`, whose changes
    /// up to `compacted` may have been dropped.
    public init(_ log: [AdminLogEntry], applied: Int, compacted: Int, last: Int) {
        // Nothing new: what every request of an up-to-date server reads, at no cost.
        guard applied < last else {
            self.init(last: last)
            return
        }
        let fromStart = applied < compacted
        self.init(entries: fromStart ? log : log.filter { $0.number > applied }, fromStart: fromStart, last: last)
    }
}

/// The admin log compacts as it grows (issue 21): a change that makes earlier ones unnecessary
/// drops them, so that replaying what is left over the fixtures' rules gives the same rules (with
/// the same generations, in the same order) and the same clock. A test suite's per-test pattern
/// (reset, add a scenario, remove it) then keeps the log at a few entries for any number of tests.
///
/// - a reset or a clock makes earlier resets and clocks unnecessary;
/// - removing every scenario makes every earlier scenario change unnecessary;
/// - removing a name makes an earlier removal of that name unnecessary, and a scenarios document
///   whose every rule is removed later is unnecessary. (A removal itself stays: it may remove a
///   rule of the fixtures, which the state does not know.)
///
/// A document whose rules are only replaced later is kept: dropping it would move the rule that
/// replaced it to the end of the list, and the first rule that matches decides.
public enum AdminLogCompaction {
    /// `log` without the entries later ones make unnecessary.
    public static func compacted(_ log: [AdminLogEntry]) -> [AdminLogEntry] {
        var clockLater = false
        var removeAllLater = false
        var removedLater = Set<String>()
        var kept: [AdminLogEntry] = []
        for entry in log.reversed() {
            switch entry.change {
            case .reset, .setClock:
                if clockLater { continue }
                clockLater = true
            case .removeScenarios(nil):
                if removeAllLater { continue }
                removeAllLater = true
            case .removeScenarios(let name?):
                if removeAllLater || removedLater.contains(name) { continue }
                removedLater.insert(name)
            case .addScenarios:
                if removeAllLater || (!entry.names.isEmpty && entry.names.allSatisfy(removedLater.contains)) { continue }
            }
            kept.append(entry)
        }
        return kept.reversed()
    }
}

/// The admin log of one process (`MemoryState`), compacted on every append and bounded in bytes
/// besides: a client adding scenarios it never removes gets a 507 once they pass the limit.
struct AdminLog {
    private(set) var entries: [AdminLogEntry] = []
    private(set) var bytes = 0
    /// The newest change's number, and that of the newest append that dropped changes.
    private(set) var last = 0
    private(set) var compacted = 0
    static let byteLimit = 16 << 20

    /// Appends `change` (its number returned), compacting; refused when the log would pass its
    /// limit by growing. A reset or a clock is never refused: at most one of them is kept.
    mutating func append(_ change: AdminChange) throws(APIError) -> Int {
        let number = last + 1
        let log = AdminLogCompaction.compacted(entries + [AdminLogEntry(number: number, change: change)])
        let size = log.reduce(0) { $0 + $1.change.bytes }
        if size > Self.byteLimit && size > bytes && !change.isClock {
            throw .adminLogFull("\(Self.byteLimit >> 20) MB of admin changes")
        }
        if log.count < entries.count + 1 { compacted = number }
        entries = log
        bytes = size
        last = number
        return number
    }

    func read(after applied: Int) -> AdminLogRead {
        AdminLogRead(entries, applied: applied, compacted: compacted, last: last)
    }
}

extension AdminChange {
    /// Roughly what the change holds.
    public var bytes: Int {
        switch self {
        case .addScenarios(let text): 64 + text.utf8.count
        case .removeScenarios(let name): 64 + (name?.utf8.count ?? 0)
        case .setClock, .reset: 64
        }
    }

    /// A reset or a clock: of these the log keeps one at most.
    public var isClock: Bool {
        switch self {
        case .reset, .setClock: true
        case .addScenarios, .removeScenarios: false
        }
    }
}
