extension FlowTestSummary {
    /// Merges every report of every agent into the test's figures: counters are summed over all
    /// incarnations (each process reports only its own, absolute figures, so the sum neither
    /// loses a restarted process's work nor counts anything twice); round-trip percentiles come
    /// from the merged histograms, never from averaging agents' percentiles.
    ///
    /// The figures are exact: thresholds are judged on them. The status stores them rounded
    /// (`init(agents:)`).
    public init(unrounded agents: [String: AgentStatus]) {
        self.init()
        var total = TrafficCounters()
        var tcp = TrafficCounters()
        var udp = TrafficCounters()
        var roundTrips = LatencyHistogram()
        var echoTotals: EchoTotals?
        var longestRun = 0.0
        var skipped: UInt64 = 0
        var patterns: [String: PatternFigures] = [:]
        var marking: MarkingCounts?
        for agent in agents.values where !agent.incarnations.isEmpty {
            agentsReported += 1
            agentIncarnations += Int64(agent.incarnations.count)
            // A generator's run time is its incarnations' together: a restart continues the run.
            var agentRun = 0.0
            for report in agent.incarnations.values {
                if let counts = report.marking {
                    var sum = marking ?? MarkingCounts()
                    sum += counts
                    marking = sum
                }
                switch agent.role {
                case .generator:
                    if let counters = report.tcp {
                        total += counters
                        tcp += counters
                    }
                    if let counters = report.udp {
                        total += counters
                        udp += counters
                    }
                    if let rtt = report.rtt { roundTrips.merge(rtt) }
                    for (name, figures) in report.patterns ?? [:] { patterns[name, default: PatternFigures()] += figures }
                    skipped += report.flowsSkipped ?? 0
                    agentRun += report.elapsedSeconds ?? 0
                case .echo:
                    var totals = echoTotals ?? EchoTotals()
                    for listener in report.listeners ?? [] { totals.add(listener) }
                    echoTotals = totals
                }
            }
            longestRun = max(longestRun, agentRun)
        }
        flowsStarted = Int64(clamping: total.flowsStarted)
        flowsCompleted = Int64(clamping: total.flowsCompleted)
        flowsFailed = Int64(clamping: total.flowsFailed)
        flowsSkipped = Int64(clamping: skipped)
        failures = total.failures.isEmpty ? nil : total.failures.mapValues { Int64(clamping: $0) }
        failedFlowsPercent = total.flowsStarted == 0 ? 0 : Double(total.flowsFailed) / Double(total.flowsStarted) * 100
        tcpFlowsStarted = Int64(clamping: tcp.flowsStarted)
        udpDatagramsSent = Int64(clamping: udp.messagesSent)
        bytesSent = Int64(clamping: total.bytesSent)
        bytesReceived = Int64(clamping: total.bytesReceived)
        rttP50Milliseconds = roundTrips.percentileMilliseconds(50)
        rttP99Milliseconds = roundTrips.percentileMilliseconds(99)
        udpLossPercent = udp.messagesSent == 0 ? nil : udp.udpLossRatio * 100
        throughputBitsPerSecond = longestRun > 0 ? Double(total.bytesSent + total.bytesReceived) * 8 / longestRun : nil
        echo = echoTotals
        self.patterns = patterns.isEmpty ? nil : patterns.mapValues(PatternSummary.init)
        self.marking = marking
        markedPercent = marking?.markedPercent
    }
}
