import NIOCore

/// What waits in a `StreamScheduler`: a connection with a stream's next frames, or a delayed
/// answer, to carry on with.
protocol ScheduledWork: AnyObject {
    /// Called on the event loop once the time asked for has come. `ticket` is the one given to
    /// `schedule`: a connection that has moved on since (closed, rescheduled) ignores stale ones.
    /// `horizon` is the end of this tick: whatever falls due by then goes out now.
    func due(ticket: UInt64, horizon: NIODeadline)
}

/// One per event loop: every paced stream and delayed answer on the loop waits here for its next
/// due time, in one queue ordered by time, and a single timer armed for the earliest serves all
/// that fall due in its tick. One NIO scheduled task per frame per stream, as before, cost a
/// promise and a heap entry per frame, and at ~75k frames/s kept so many tasks due that the loop
/// stopped polling (no new connection was accepted for seconds at 10k streams).
final class StreamScheduler {
    /// Work due within this of the earliest goes out in the same tick (and so, for one
    /// connection, in the same write).
    static let tick = TimeAmount.microseconds(500)
    /// The least time between two ticks. NIO runs every scheduled task that is due before it polls
    /// the sockets again, so a tick that re-armed the timer for work already due (a loop behind
    /// its streams) ran again at once, and again: no socket was read until the loop caught up.
    /// At 10,000 streams started together that was seconds: new requests, and a health check,
    /// waited 3-9 s while the streams already running were served. Set this far ahead, the timer is
    /// not yet due when NIO looks, so it polls first (`epoll_wait` until the timer's deadline).
    static let pollBetweenTicks = TimeAmount.microseconds(50)
    /// The most waits one tick serves: a loop behind its streams polls its sockets at least every
    /// this many writes (~5 ms), so a new connection is answered while thousands of streams run.
    static let mostPerTick = 1024

    private struct Entry: Comparable {
        var due: NIODeadline
        /// Arrival order: work due at the same time is served first come, first served.
        var order: UInt64
        var work: any ScheduledWork
        var ticket: UInt64

        static func < (a: Entry, b: Entry) -> Bool {
            a.due < b.due || (a.due == b.due && a.order < b.order)
        }

        static func == (a: Entry, b: Entry) -> Bool {
            a.due == b.due && a.order == b.order
        }
    }

    private let eventLoop: EventLoop
    private var queue = MinHeap<Entry>()
    private var arrivals: UInt64 = 0
    private var timer: (due: NIODeadline, task: Scheduled<Void>)?
    private var serving = false
    private var batch: [Entry] = []

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// How many waits are queued (stale ones included until their time comes).
    var waiting: Int { queue.count }

    /// Calls `work.due(ticket:…)` on this loop once `due` has come.
    func schedule(_ work: any ScheduledWork, ticket: UInt64, at due: NIODeadline) {
        eventLoop.assertInEventLoop()
        arrivals &+= 1
        queue.insert(Entry(due: due, order: arrivals, work: work, ticket: ticket))
        if !serving { arm() }
    }

    /// Keeps the timer set for the earliest wait.
    private func arm() {
        guard let first = queue.first else { return }
        if let timer {
            if timer.due <= first.due { return }
            timer.task.cancel()
        }
        let due = max(first.due, eventLoop.now + Self.pollBetweenTicks)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let task = eventLoop.scheduleTask(deadline: due) { bound.value.serve() }
        timer = (due, task)
    }

    /// The timer's tick: everything due by its end (up to `mostPerTick`), in order, then the timer
    /// set again.
    private func serve() {
        timer = nil
        serving = true
        let horizon = eventLoop.now + Self.tick
        while batch.count < Self.mostPerTick, let first = queue.first, first.due <= horizon { batch.append(queue.removeFirst()) }
        for entry in batch { entry.work.due(ticket: entry.ticket, horizon: horizon) }
        batch.removeAll(keepingCapacity: true)  // at most `mostPerTick`
        serving = false
        arm()
    }
}

/// A binary min-heap: the queue's order without sorting it on every insert.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var first: Element? { items.first }
    var count: Int { items.count }

    mutating func insert(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> Element {
        let first = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && items[left] < items[smallest] { smallest = left }
            if right < items.count && items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}

/// The schedulers of a server's event loops, made once at start; each is used on its own loop only.
final class StreamSchedulers: @unchecked Sendable {
    private let byLoop: [ObjectIdentifier: StreamScheduler]

    init(_ group: EventLoopGroup) {
        var byLoop: [ObjectIdentifier: StreamScheduler] = [:]
        for loop in group.makeIterator() { byLoop[ObjectIdentifier(loop)] = StreamScheduler(eventLoop: loop) }
        self.byLoop = byLoop
    }

    func scheduler(for loop: EventLoop) -> StreamScheduler {
        byLoop[ObjectIdentifier(loop)]!
    }
}
