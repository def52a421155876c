/// What `flowtest-agent run` was asked to do, validated.
struct LocalRunOptions: Sendable {
    enum Format: String, CaseIterable, Sendable {
        case yaml, json
    }

    var file: String
    var output: Format
    /// Replaces spec.duration when set.
    var duration: String?
    /// Bind free ports rather than spec.ports.
    var anyPorts: Bool
    var quiet: Bool
    /// Where to write the HTML report at the end, if anywhere.
    var report: String?
    /// Where to export every agent's figures as line protocol, if anywhere.
    var influxDB: InfluxDBSettings?
    /// Where every agent's flow records go, if anywhere.
    var flowLog: FlowLogSettings?
}
