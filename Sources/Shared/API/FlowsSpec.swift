/// How flows are generated; the same settings as `flowtest-agent generate`.
public struct FlowsSpec: Codable, Sendable, Equatable {
    public var `protocol`: FlowProtocol = .both
    public var pattern: FlowPattern = .random
    /// New flows per second, per generator.
    public var rate: Int64
    public var maxConcurrent: Int64 = 100
    public var minDuration: String = "1s"
    public var maxDuration: String = "10s"
    /// Nil: 10ms for the continuous pattern, 100ms for the others.
    public var messageInterval: String?
    public var payload = PayloadSpec()
    public var mtu: Int64 = 1500
    public var mss: Int64?
    public var allowFragmentation = false
    public var seed: Int64?
    public var connectTimeout: String = "5s"
    public var responseTimeout: String = "2s"
    /// Continuous pattern: how long a TCP flow waits for an overdue echo before it reconnects.
    public var stallTimeout: String = "1s"
    /// Continuous pattern: new short connections per second, per generator, probed next to the
    /// long-lived flows (their own timeline in `status.disruption.newConnections`); nil: 10, 0: off.
    public var newConnectionRate: Int64?
    /// Traffic patterns (web, dns, ...) and their shares of the flows; nil: every flow is alike,
    /// from `protocol`, the test's ports and `payload`.
    public var mix: [TrafficMixEntry]?
    /// DSCP, SciTags flow label and fireflies of every flow; nil marks nothing.
    public var marking: MarkingSpec?
    /// Latency mode: each flow on a thread of its own with a blocking socket.
    public var dedicatedThreads = false

    public init(rate: Int64) {
        self.rate = rate
    }
}
