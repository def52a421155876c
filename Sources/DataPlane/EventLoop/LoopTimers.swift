/// An `EpollLoop`'s scheduled tasks: a binary heap by deadline, touched only on the loop's thread.
///
/// Few tasks live here at a time (a flow timing wheel's next tick, a pacer's start, a shutdown
/// bound): flows' own timers are slots of their loop's timing wheel, so cancelling by a linear
/// search costs nothing that matters, and keeps each entry three words.
struct LoopTimers {
    private struct Entry {
        let deadline: UInt64
        let id: UInt64
        let task: () -> Void
    }

    private var heap: [Entry] = []

    /// The earliest deadline held, in monotonic nanoseconds; nil when none is.
    var nextDeadline: UInt64? { heap.first?.deadline }

    /// Adds `task`, due at `deadline`, under `id` (unique, chosen by the caller).
    mutating func add(id: UInt64, deadline: UInt64, _ task: @escaping () -> Void) {
        heap.append(Entry(deadline: deadline, id: id, task: task))
        siftUp(heap.count - 1)
    }

    /// Drops the task under `id`, if it has not run yet; returns whether it was there.
    @discardableResult
    mutating func cancel(_ id: UInt64) -> Bool {
        guard let index = heap.firstIndex(where: { $0.id == id }) else { return false }
        remove(at: index)
        return true
    }

    /// Takes the earliest task if it is due at `now`.
    mutating func popDue(now: UInt64) -> (() -> Void)? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        remove(at: 0)
        return first.task
    }

    /// Drops every task (the loop ended).
    mutating func removeAll() {
        heap.removeAll()
    }

    private mutating func remove(at index: Int) {
        let last = heap.count - 1
        if index != last {
            heap.swapAt(index, last)
        }
        heap.removeLast()
        guard index < heap.count else { return }
        siftDown(index)
        siftUp(index)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].deadline < heap[left].deadline { smallest = left + 1 }
            guard heap[smallest].deadline < heap[parent].deadline else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
