/// A set of instruction indices with O(1) insert, membership and clearing (Briggs and Torczon's
/// sparse set) over memory the caller provides: the Pike VM's live threads at one position.
struct ThreadSet {
    private let dense: UnsafeMutableBufferPointer<Int>
    private let sparse: UnsafeMutableBufferPointer<Int>
    private(set) var count = 0

    /// `memory` holds at least twice the program's size.
    init(_ memory: UnsafeMutableBufferPointer<Int>, capacity: Int) {
        dense = UnsafeMutableBufferPointer(rebasing: memory[0..<capacity])
        sparse = UnsafeMutableBufferPointer(rebasing: memory[capacity..<(2 * capacity)])
    }

    subscript(_ k: Int) -> Int { dense[k] }

    /// Inserts `pc`; false when it was already there.
    mutating func insert(_ pc: Int) -> Bool {
        let slot = sparse[pc]
        if slot < count && dense[slot] == pc { return false }
        sparse[pc] = count
        dense[count] = pc
        count += 1
        return true
    }

    mutating func removeAll() { count = 0 }
}
