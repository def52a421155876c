import FlowTestShared

/// The outages of the continuous flows on one event loop, kept in its statistics shard.
///
/// Ended outages are joined into disjoint intervals as they arrive (they arrive nearly in order,
/// so a join only looks at the last few); outages in progress are kept apart, by flow, so that a
/// report can show them as ongoing. At most `intervalLimit` intervals are kept: past that the
/// shortest are dropped, and only their count and time are kept.
struct DisruptionLog: Sendable {
    private(set) var intervals: [OutageInterval] = []
    /// Outages in progress by flow id, with `end` unset (equal to `start`).
    private(set) var open: [UInt64: OutageInterval] = [:]
    var outages: Int64 = 0
    var connectionsLost: Int64 = 0
    var connectionsReestablished: Int64 = 0
    var messagesLost: Int64 = 0
    private(set) var longestOutage: Int64 = 0
    private(set) var omittedIntervals: Int64 = 0
    private(set) var omittedNanoseconds: Int64 = 0

    static let intervalLimit = 10_000

    /// A flow's outage started.
    mutating func opened(flow: UInt64, _ outage: OutageInterval) {
        open[flow] = outage
    }

    /// A flow's outage ended (or the flow ended inside it, with `outage.ongoing` set).
    mutating func closed(flow: UInt64, _ outage: OutageInterval) {
        open.removeValue(forKey: flow)
        outages += 1
        longestOutage = max(longestOutage, outage.duration)
        insert(outage)
    }

    private mutating func insert(_ outage: OutageInterval) {
        // Disjoint and ordered by start, hence by end too: those that can overlap are a suffix.
        var low = intervals.count
        while low > 0, intervals[low - 1].end >= outage.start { low -= 1 }
        var merged = outage
        var high = low
        while high < intervals.count, intervals[high].start <= outage.end {
            merged.absorb(intervals[high])
            high += 1
        }
        intervals.replaceSubrange(low..<high, with: [merged])
        if intervals.count > Self.intervalLimit, let shortest = intervals.indices.min(by: { intervals[$0].duration < intervals[$1].duration }) {
            omittedIntervals += 1
            omittedNanoseconds += intervals[shortest].duration
            intervals.remove(at: shortest)
        }
    }

    /// Every shard's log as one agent summary at `now` (outages in progress end now, marked ongoing).
    static func summary(_ logs: [DisruptionLog], now: Int64, limit: Int = DisruptionSummary.agentIntervalLimit) -> DisruptionSummary {
        var all: [OutageInterval] = []
        var ongoing = 0
        for log in logs {
            all += log.intervals
            for var outage in log.open.values {
                outage.end = max(outage.start, now)
                outage.longestOutage = outage.duration
                outage.ongoing = true
                all.append(outage)
                ongoing += 1
            }
        }
        let joined = OutageInterval.union(all)
        var summary = DisruptionSummary(union: joined, limit: limit)
        summary.outages = Int64(ongoing)
        summary.activeOutages = Int64(ongoing)
        var longest = joined.map(\.longestOutage).max() ?? 0
        for log in logs {
            summary.outages += log.outages
            summary.connectionsLost += log.connectionsLost
            summary.connectionsReestablished += log.connectionsReestablished
            summary.messagesLost += log.messagesLost
            summary.intervalCount += log.omittedIntervals
            summary.disruptedSeconds += Double(log.omittedNanoseconds) / 1e9
            longest = max(longest, log.longestOutage)
        }
        summary.longestOutageMilliseconds = Double(longest) / 1e6
        return summary
    }
}
