import FlowTestShared

/// One row per agent (all of its incarnations together), and which agents stand out from the
/// others: the generator whose flows failed or whose round trips were slow, the echo pod that
/// got much less or much more of the traffic than its peers.
struct AgentComparison {
    /// One agent's figures: its summary, as if it had been the only agent of the test.
    struct Row {
        var name: String
        var incarnations: Int
        var summary: FlowTestSummary
        /// Continuous pattern: its flows' outages.
        var outages: Int64?
        /// Echo servers: its part of all the bytes the echo servers received, in percent.
        var sharePercent: Double = 0
    }

    var generators: [Row] = []
    var echoes: [Row] = []
    /// Names of the agents that stand out, with why.
    var oddOnesOut: [String: String] = [:]

    init(agents: [String: AgentStatus]) {
        for (name, agent) in agents.sorted(by: { $0.key < $1.key }) where !agent.incarnations.isEmpty {
            // The summary's own merge, over one agent: the same sums, the same percentiles.
            let row = Row(
                name: name, incarnations: agent.incarnations.count, summary: FlowTestSummary(agents: [name: agent]),
                outages: DisruptionSummary(agents: [name: agent])?.outages)
            if agent.role == .generator { generators.append(row) } else { echoes.append(row) }
        }
        let echoBytes = echoes.reduce(0) { $0 + ($1.summary.echo?.bytesReceived ?? 0) }
        for index in echoes.indices where echoBytes > 0 {
            echoes[index].sharePercent = Double(echoes[index].summary.echo?.bytesReceived ?? 0) / Double(echoBytes) * 100
        }
        flagOddOnesOut()
    }

    /// A value stands out when it is more than twice the median of the others and above a
    /// floor that makes the difference matter (0.1 % of flows, 0.05 ms); an echo's share of the
    /// traffic when it is below half or above twice an even share (with two pods, the median of
    /// the others would make both stand out).
    private mutating func flagOddOnesOut() {
        func flag(_ values: [(String, Double?)], floor: Double, what: String) {
            for (index, (name, value)) in values.enumerated() {
                guard let value else { continue }
                let others = values.enumerated().filter { $0.offset != index }.compactMap(\.element.1)
                guard let median = Self.median(others), value > max(median * 2, median + floor) else { continue }
                oddOnesOut[name, default: ""] += (oddOnesOut[name] == nil ? "" : "; ") + "\(what) \(ReportFormat.number(value)), others' median \(ReportFormat.number(median))"
            }
        }
        flag(generators.map { ($0.name, $0.summary.failedFlowsPercent) }, floor: 0.1, what: "failed flows %")
        flag(generators.map { ($0.name, $0.summary.rttP99Milliseconds) }, floor: 0.05, what: "p99 ms")
        flag(generators.map { ($0.name, $0.summary.udpLossPercent) }, floor: 0.1, what: "UDP loss %")
        guard echoes.count > 1 else { return }
        let even = 100 / Double(echoes.count)
        for echo in echoes where echo.sharePercent < even / 2 || echo.sharePercent > even * 2 {
            oddOnesOut[echo.name] = "received \(ReportFormat.number(echo.sharePercent)) % of the echo traffic; an even share is \(ReportFormat.number(even)) %"
        }
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
