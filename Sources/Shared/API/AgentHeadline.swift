/// The few figures of an agent's latest report that `kubectl get flowtestreports` shows.
///
/// Printer columns take one JSONPath each and cannot pick the latest entry of the incarnations
/// map, so the writing process copies its headline here. It is for people only: the controller
/// aggregates from `report.incarnations` and never reads it, so a stale or forged headline can
/// change no verdict. Two processes of one pod (an old one in its grace period, a new one) may
/// overwrite each other's headline; the next report puts the right one back.
public struct AgentHeadline: Codable, Sendable, Equatable {
    /// The incarnation key these figures come from.
    public var incarnation: String
    public var reportTime: String
    public var finished: Bool
    /// Generators: TCP and UDP flows started.
    public var flowsStarted: UInt64?
    /// Generators: TCP and UDP flows failed.
    public var flowsFailed: UInt64?
    /// Generators: the 99th-percentile round trip, in milliseconds.
    public var rttP99Milliseconds: Double?

    public init(
        incarnation: String, reportTime: String, finished: Bool, flowsStarted: UInt64? = nil, flowsFailed: UInt64? = nil,
        rttP99Milliseconds: Double? = nil
    ) {
        self.incarnation = incarnation
        self.reportTime = reportTime
        self.finished = finished
        self.flowsStarted = flowsStarted
        self.flowsFailed = flowsFailed
        self.rttP99Milliseconds = rttP99Milliseconds
    }

    /// The headline of `report`, written by incarnation `incarnation`.
    public init(incarnation: String, report: AgentReport) {
        let traffic = [report.tcp, report.udp].compactMap { $0 }
        self.init(
            incarnation: incarnation, reportTime: report.reportTime, finished: report.finished,
            flowsStarted: traffic.isEmpty ? nil : traffic.reduce(0) { $0 + $1.flowsStarted },
            flowsFailed: traffic.isEmpty ? nil : traffic.reduce(0) { $0 + $1.flowsFailed },
            rttP99Milliseconds: report.rtt?.percentileMilliseconds(99))
    }
}
