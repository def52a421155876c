extension FlowTestSummary {
    /// Merges every agent's report into the test's figures: counters are summed, round-trip
    /// percentiles come from the merged histograms (never from averaging agents' percentiles).
    public init(reports: [String: AgentReport]) {
        self.init()
        var total = TrafficCounters()
        var udp = TrafficCounters()
        var roundTrips = LatencyHistogram()
        var longestRun = 0.0
        for report in reports.values where report.role == .generator {
            if let counters = report.tcp { total += counters }
            if let counters = report.udp {
                total += counters
                udp += counters
            }
            if let rtt = report.rtt { roundTrips.merge(rtt) }
            longestRun = max(longestRun, report.elapsedSeconds ?? 0)
        }
        flowsStarted = Int64(clamping: total.flowsStarted)
        flowsCompleted = Int64(clamping: total.flowsCompleted)
        flowsFailed = Int64(clamping: total.flowsFailed)
        failures = total.failures.isEmpty ? nil : total.failures.mapValues { Int64(clamping: $0) }
        failedFlowsPercent = total.flowsStarted == 0 ? 0 : Double(total.flowsFailed) / Double(total.flowsStarted) * 100
        bytesSent = Int64(clamping: total.bytesSent)
        bytesReceived = Int64(clamping: total.bytesReceived)
        rttP50Milliseconds = roundTrips.percentileMilliseconds(50)
        rttP99Milliseconds = roundTrips.percentileMilliseconds(99)
        udpLossPercent = udp.messagesSent == 0 ? nil : udp.udpLossRatio * 100
        throughputBitsPerSecond = longestRun > 0 ? Double(total.bytesSent + total.bytesReceived) * 8 / longestRun : nil
    }
}
