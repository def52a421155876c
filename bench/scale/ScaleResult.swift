import Foundation

/// One run's figures, as bench/scale.sh reads them.
struct ScaleResult: Codable, Sendable {
    var agents: Int
    var intervalSeconds: Int
    /// Reports that landed, and writes that failed (each retried or carried by the next report).
    var reports: Int
    var reportsFailed: Int
    var reportP50Seconds: Double
    var reportP99Seconds: Double
    var bytesWrittenPerSecond: Double
    /// Over the busiest report interval, by agent: linear growth keeps this flat.
    var steadyBytesPerSecondPerAgent: Double
    var reportBytesPerSecond: Double
    var flowTestWritesPerSecond: Double
    var controllerCPUSecondsPer1000Reports: Double
    /// The same less what the controller burns idle (its idle rate times the window): the work
    /// the reports cost, roughly, since the idle spin competes with that work for the cores.
    var controllerNetCPUSecondsPer1000Reports: Double
    /// The summary's flows started against the sum of every agent's final report.
    var summaryCorrect: Bool
    var expectedFlowsStarted: Int64
    var measurement: Measurement

    init(agents: Int, interval: Int, measurement: Measurement, log: ReportLog.Snapshot, expected: Int64) {
        self.agents = agents
        intervalSeconds = interval
        reports = log.landed
        reportsFailed = log.failed
        let latencies = log.latencies.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        reportP50Seconds = percentile(0.5)
        reportP99Seconds = percentile(0.99)
        let window = max(measurement.windowSeconds, 0.001)
        bytesWrittenPerSecond = Double(measurement.bytesWritten) / window
        steadyBytesPerSecondPerAgent = measurement.steadyBytesPerSecond / Double(max(1, agents))
        reportBytesPerSecond = Double(measurement.reportBytesWritten) / window
        flowTestWritesPerSecond = Double(measurement.flowTestWrites) / window
        controllerCPUSecondsPer1000Reports = measurement.controllerCPUSeconds / Double(max(1, log.landed)) * 1000
        let net = measurement.controllerCPUSeconds - measurement.controllerIdleCPUSecondsPerSecond * measurement.windowSeconds
        controllerNetCPUSecondsPer1000Reports = net / Double(max(1, log.landed)) * 1000
        summaryCorrect = measurement.summaryFlowsStarted == expected
        expectedFlowsStarted = expected
        self.measurement = measurement
    }
}
