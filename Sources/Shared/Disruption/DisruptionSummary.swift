/// What the continuous pattern saw break: in one agent's report, and merged over all agents in
/// `status.disruption`. Every figure is absolute, so a repeated report never counts twice.
///
/// The top-level figures are the established connections' timeline (the long-lived flows);
/// `newConnections` is the timeline of the new, short connections probed next to them.
///
/// Only the longest intervals are kept (`intervalLimit`), so that the object stays small however
/// long the test; `intervalCount` and `disruptedSeconds` still count the ones left out.
public struct DisruptionSummary: Codable, Sendable, Equatable {
    /// Time during which at least one flow was in an outage (the union of every interval).
    public var disruptedSeconds: Double = 0
    /// The longest outage of a single flow, in milliseconds; what `thresholds.maxOutage` limits.
    public var longestOutageMilliseconds: Double = 0
    /// Flow outages, over all flows.
    public var outages: Int64 = 0
    /// Outages still open at the time of the report.
    public var activeOutages: Int64 = 0
    /// Disruption intervals, the ones left out of `intervals` included.
    public var intervalCount: Int64 = 0
    /// TCP connections that broke (reset, closed, or given up after `stallTimeout`).
    public var connectionsLost: Int64 = 0
    /// TCP connections re-established after a break.
    public var connectionsReestablished: Int64 = 0
    /// Exchanges not answered within `responseTimeout`.
    public var messagesLost: Int64 = 0
    /// The longest intervals, ordered by start.
    public var intervals: [OutageInterval] = []
    /// The established timeline's resolution: the message interval, in milliseconds (an outage
    /// shorter than one interval may fall between two exchanges). Nil from agents before it.
    public var resolutionMilliseconds: Double?
    /// The new connections' timeline, apart from the established flows'; nil when not probed.
    public var newConnections: NewConnectionSummary?

    /// Intervals an agent reports. Ten keeps a status of 100 generators (ten of them restarted),
    /// each interval naming 8 echo pods, at 760 KB, under the apiserver's 1.5 MiB object limit
    /// (StatusLayoutTests); a hundred made it 5.4 MB.
    public static let agentIntervalLimit = 10
    /// Intervals the status keeps, over all agents.
    public static let statusIntervalLimit = 20

    public init() {}

    /// The summary of `intervals` (already a union), keeping the longest `limit` of them.
    public init(union intervals: [OutageInterval], limit: Int) {
        self.init()
        intervalCount = Int64(intervals.count)
        disruptedSeconds = Double(intervals.reduce(0) { $0 + $1.duration }) / 1e9
        longestOutageMilliseconds = OutageInterval.milliseconds(intervals.map(\.longestOutage).max() ?? 0)
        outages = intervals.reduce(0) { $0 + $1.outages }
        self.intervals = Self.longest(intervals, limit: limit)
    }

    /// The longest `limit` intervals, back in order of start.
    static func longest(_ intervals: [OutageInterval], limit: Int) -> [OutageInterval] {
        guard intervals.count > limit else { return intervals }
        return intervals.sorted { $0.duration > $1.duration }.prefix(limit).sorted { $0.start < $1.start }
    }
}
