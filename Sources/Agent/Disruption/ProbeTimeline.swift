import FlowTestShared
import NIOCore

/// The probes of one destination, judged in the order they started, and the destination's
/// outage state: an outage runs from the start of the first failed probe to the start of the
/// next one that succeeded, as a flow's runs from its first unanswered exchange to the next
/// answered one. Probes end out of order (a refused one at once, a dropped SYN only at its
/// deadline), so a result waits here until every probe started before it has one.
struct ProbeTimeline {
    /// What judging a probe did to the destination's outage.
    enum Event {
        case started(at: NIODeadline, cause: FlowFailureReason)
        case ended(OutageTracker.Open, at: NIODeadline)
    }

    /// The destination's number in the log, where a flow's id would be.
    let key: UInt64
    /// address:port as dialled (or the target's name:port while it does not resolve).
    let peer: String
    private var tracker = OutageTracker()
    /// Probes not judged yet, in the order they started; `nil` outcome while one runs, and a
    /// nil cause inside for a success.
    private var probes: [(sequence: UInt64, start: NIODeadline, outcome: FlowFailureReason??)] = []

    init(key: UInt64, peer: String) {
        self.key = key
        self.peer = peer
    }

    /// The outage in progress, if any.
    var open: OutageTracker.Open? { tracker.open }

    /// Probe `sequence` started at `start`.
    mutating func started(_ sequence: UInt64, at start: NIODeadline) {
        probes.append((sequence, start, nil))
    }

    /// Probe `sequence` ended: succeeded when `failure` is nil. Returns what judging every probe
    /// now known, oldest first, did to the outage.
    mutating func ended(_ sequence: UInt64, failure: FlowFailureReason?) -> [Event] {
        if let index = probes.firstIndex(where: { $0.sequence == sequence }) { probes[index].outcome = .some(failure) }
        var events: [Event] = []
        var judged = 0
        while judged < probes.count, let outcome = probes[judged].outcome {
            let start = probes[judged].start
            if let cause = outcome {
                if tracker.missed(sentAt: start, cause: cause) { events.append(.started(at: start, cause: cause)) }
            } else if let ended = tracker.answered(sentAt: start) {
                events.append(.ended(ended, at: start))
            }
            judged += 1
        }
        probes.removeFirst(judged)
        return events
    }
}
