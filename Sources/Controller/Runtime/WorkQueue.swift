/// A queue of FlowTest keys (`namespace/name`), in the manner of client-go's rate-limited queue.
///
/// It holds keys, not objects, so a reconcile always reads the latest state; a key is never
/// handed to two workers at once (one added while in process is handed out again when done);
/// and a key that keeps failing waits longer each time (5 ms doubling up to 5 minutes) until it
/// succeeds and is forgotten.
actor WorkQueue {
    private var queue: [String] = []
    private var queued: Set<String> = []
    private var processing: Set<String> = []
    /// Added while processing: to be queued again when done.
    private var dirty: Set<String> = []
    private var failures: [String: Int] = [:]
    private var delayed: [(due: ContinuousClock.Instant, key: String)] = []
    private var waiters: [CheckedContinuation<String?, Never>] = []
    private var shuttingDown = false

    let baseDelay: Duration
    let maximumDelay: Duration

    init(baseDelay: Duration = .milliseconds(5), maximumDelay: Duration = .seconds(300)) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// Keys waiting, for the queue-depth metric.
    var depth: Int { queue.count }

    func add(_ key: String) {
        guard !shuttingDown else { return }
        if processing.contains(key) {
            dirty.insert(key)
        } else if queued.insert(key).inserted {
            if waiters.isEmpty {
                queue.append(key)
            } else {
                queued.remove(key)
                processing.insert(key)
                waiters.removeFirst().resume(returning: key)
            }
        }
    }

    /// The next key to process, waiting for one; nil once the queue is shut down.
    func next() async -> String? {
        if !queue.isEmpty {
            let key = queue.removeFirst()
            queued.remove(key)
            processing.insert(key)
            return key
        }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks a key processed; re-queues it if it was added meanwhile.
    func done(_ key: String) {
        processing.remove(key)
        if dirty.remove(key) != nil { add(key) }
    }

    /// Re-queues a key that failed, after its back-off.
    func addRateLimited(_ key: String) {
        let attempts = failures[key, default: 0]
        failures[key] = attempts + 1
        let delay = min(baseDelay * (1 << min(attempts, 30)), maximumDelay)
        addAfter(key, delay)
    }

    /// The key succeeded: its back-off starts over.
    func forget(_ key: String) {
        failures.removeValue(forKey: key)
    }

    /// Queues the key after `delay` (periodic checks of a running test, coalesced reports). A key
    /// already waiting keeps the earlier of its two times, as client-go's delaying queue does:
    /// a thousand agents' reports make one pending entry, not a thousand.
    func addAfter(_ key: String, _ delay: Duration) {
        let due = ContinuousClock.now + delay
        if let index = delayed.firstIndex(where: { $0.key == key }) {
            guard due < delayed[index].due else { return }
            delayed.remove(at: index)
        }
        let position = delayed.firstIndex { $0.due > due } ?? delayed.endIndex
        delayed.insert((due, key), at: position)
    }

    /// Moves delayed keys into the queue when due; run for the controller's lifetime.
    func runDelays() async {
        while !shuttingDown && !Task.isCancelled {
            let now = ContinuousClock.now
            while let first = delayed.first, first.due <= now {
                delayed.removeFirst()
                add(first.key)
            }
            // Requeue delays are seconds long: a 20 ms tick keeps them accurate enough, simply.
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops handing out keys; waiting workers get nil.
    func shutDown() {
        shuttingDown = true
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters = []
    }
}
