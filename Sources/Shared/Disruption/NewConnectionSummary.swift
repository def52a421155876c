/// The continuous pattern's second timeline: a steady stream of new, short connections (connect,
/// one exchange, close) next to the long-lived flows, in `status.disruption.newConnections`.
///
/// Established connections and new ones fail differently during a drain or a fail-over: a
/// draining backend keeps serving the connections it has while it refuses new ones, and a
/// fail-over may leave old connections pinned to a dead backend while new ones already reach
/// the next. The two are therefore sampled and reported apart, each with its resolution.
///
/// An outage of one destination runs from the start of the first failed probe to the start of
/// the next probe to it that succeeded: the same rule as a flow's outage, with probes in place
/// of exchanges. Every figure is absolute, so a repeated report never counts twice.
public struct NewConnectionSummary: Codable, Sendable, Equatable {
    /// Probes per second of one generator (`flows.newConnectionRate`).
    public var ratePerSecond: Double = 0
    /// Time between two probes to one destination, in milliseconds: the timeline's resolution,
    /// since an outage shorter than it may fall between two probes and go unseen.
    public var resolutionMilliseconds: Double = 0
    /// Probes started.
    public var attempts: Int64 = 0
    /// Probes that did not connect, or whose exchange was not echoed within `responseTimeout`.
    public var failures: Int64 = 0
    /// Failed probes by cause: refused, timeout, reset, closed, unreachable, ...
    public var causes: [String: Int64] = [:]
    /// Time during which new connections to at least one destination failed (the union of every interval).
    public var disruptedSeconds: Double = 0
    /// The longest outage of one destination, in milliseconds.
    public var longestOutageMilliseconds: Double = 0
    /// Destination outages: runs of failed probes to one destination, until the next success.
    public var outages: Int64 = 0
    /// Outages still open at the time of the report.
    public var activeOutages: Int64 = 0
    /// Disruption intervals, the ones left out of `intervals` included.
    public var intervalCount: Int64 = 0
    /// The longest intervals, ordered by start.
    public var intervals: [OutageInterval] = []

    /// Intervals an agent reports with the whole status to itself: as many as the established
    /// timeline's.
    public static let maximumAgentIntervalLimit = 10

    /// Intervals an agent reports, from its share of the status: the bytes its time series may
    /// take (`--timeline-bytes`, which the controller sizes by the number of generators). An
    /// interval hitting 8 echo pods takes about 450 bytes, and 100 continuous generators (ten
    /// restarted) fill about 955 KB of the 1 MiB the status may take with their established
    /// timelines and series: each of them then gets 1 (StatusLayoutTests: 1,005 KB; with 2 it
    /// was 1,048 KB), 50 get 2, ten or fewer 10.
    public static func agentIntervalLimit(timelineBytes: Int) -> Int {
        min(maximumAgentIntervalLimit, max(1, timelineBytes / 1600))
    }
    /// Intervals the status keeps, over all agents.
    public static let statusIntervalLimit = 20

    public init() {}

    /// The summary of `intervals` (already a union), keeping the longest `limit` of them.
    public init(union intervals: [OutageInterval], limit: Int) {
        let established = DisruptionSummary(union: intervals, limit: limit)
        intervalCount = established.intervalCount
        disruptedSeconds = established.disruptedSeconds
        longestOutageMilliseconds = established.longestOutageMilliseconds
        outages = established.outages
        self.intervals = established.intervals
    }
}
