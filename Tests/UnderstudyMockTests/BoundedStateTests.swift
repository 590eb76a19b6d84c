import Testing
import UnderstudyContract
@testable import UnderstudyMock

@Suite("Bounded state")
struct BoundedStateTests {
    @Test("the journal's ring keeps the newest entries, oldest first, numbered from 1")
    func ring() {
        let log = BoundedLog<Int>(capacity: 4)
        for _ in 0..<3 { log.append { $0 } }
        #expect(log.newest(10) == [1, 2, 3])
        for _ in 0..<7 { log.append { $0 } }
        #expect(log.newest(10) == [7, 8, 9, 10])
        #expect(log.newest(2) == [9, 10])
        #expect(log.newest(0) == [])
        log.reset()
        log.append { $0 }
        #expect(log.newest(5) == [1])
    }

    @Test("occurrences are counted exactly among recent requests, and memory is capped")
    func occurrences() {
        let counter = OccurrenceCounter(limit: 8)
        #expect((0..<3).map { _ in counter.next(42) } == [0, 1, 2])
        // Three distinct requests later, 42 is still remembered (it moved with its generation).
        for h in 100..<103 { _ = counter.next(UInt64(h)) }
        #expect(counter.next(42) == 3)
        // After many distinct requests it is forgotten and counts from 0 again.
        for h in 200..<300 { _ = counter.next(UInt64(h)) }
        #expect(counter.next(42) == 0)
        // The same sequence on a fresh counter gives the same counts.
        let again = OccurrenceCounter(limit: 8)
        _ = (0..<3).map { _ in again.next(42) }
        for h in 100..<103 { _ = again.next(UInt64(h)) }
        #expect(again.next(42) == 3)
    }
}
