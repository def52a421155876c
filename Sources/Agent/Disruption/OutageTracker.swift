import FlowTestShared
import NIOCore

/// The outage state of one continuous flow, on its event loop.
///
/// An outage starts at the send time of the first exchange that was not answered in time, or at
/// the moment the connection broke when nothing was in flight; it ends at the send time of the
/// next exchange that was answered in time. Exchanges are judged in the order they were sent,
/// so "the next answered one" is well defined for UDP too, where replies can reorder.
struct OutageTracker {
    /// An outage in progress.
    struct Open {
        var start: NIODeadline
        var cause: FlowFailureReason
        /// TCP: when the connection broke, and how many connects have been tried since.
        var brokeAt: NIODeadline?
        var connectAttempts: Int64 = 0
        var reconnects: Int64 = 0
        var longestReconnect: Int64?
    }

    private(set) var open: Open?

    /// An exchange sent at `sentAt` went unanswered; true when this starts an outage.
    mutating func missed(sentAt: NIODeadline, cause: FlowFailureReason) -> Bool {
        guard open == nil else { return false }
        open = Open(start: sentAt, cause: cause)
        return true
    }

    /// The connection broke at `now`; `inFlightSince` is the send time of an exchange still
    /// unanswered, which then starts the outage. True when this starts an outage.
    mutating func broke(at now: NIODeadline, cause: FlowFailureReason, inFlightSince: NIODeadline?) -> Bool {
        let started = open == nil
        if started { open = Open(start: min(inFlightSince ?? now, now), cause: cause) }
        // A second break before the first outage ended: reconnect time runs from the latest.
        open?.brokeAt = now
        return started
    }

    /// A connection attempt is being made during an outage.
    mutating func connecting() {
        open?.connectAttempts += 1
    }

    /// A new connection replaced the broken one at `now`.
    mutating func reconnected(at now: NIODeadline) {
        guard var current = open, let brokeAt = current.brokeAt else { return }
        current.reconnects += 1
        current.longestReconnect = max(current.longestReconnect ?? 0, (now - brokeAt).nanoseconds)
        current.brokeAt = nil
        open = current
    }

    /// An exchange sent at `sentAt` was answered in time: ends the outage in progress, if any,
    /// and returns it.
    mutating func answered(sentAt: NIODeadline) -> Open? {
        guard let current = open, sentAt >= current.start else { return nil }
        open = nil
        return current
    }
}
