/// What a FlowTest does: its flows, ports, target, agents, pass/fail thresholds and housekeeping.
public struct FlowTestSpec: Codable, Sendable, Equatable {
    public var flows: FlowsSpec
    /// Total run time; generators stop starting flows then, and open flows end.
    public var duration: String = "60s"
    /// Stop after this many flows per generator, if reached before `duration`.
    public var flowCount: Int64?
    public var ports = PortsSpec()
    public var target = TargetSpec()
    public var echo = EchoSpec()
    public var generators = GeneratorsSpec()
    public var thresholds: ThresholdsSpec?
    /// Where agents also send their figures (InfluxDB line protocol).
    public var export: ExportSpec?
    /// Whether agents write a record per flow to stdout (the flow log).
    public var flowLog: FlowLogSpec?
    /// How often agents write their statistics into the status.
    public var reportInterval: String = "10s"
    public var cleanupPolicy: CleanupPolicy = .onSuccess
    public var image: ImageSpec?

    public init(flows: FlowsSpec) {
        self.flows = flows
    }
}
