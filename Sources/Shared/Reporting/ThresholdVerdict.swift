import Foundation

/// Whether a test met its thresholds, and if not, which ones it missed and by how much.
public struct ThresholdVerdict: Sendable, Equatable {
    /// One threshold the test did not meet.
    public struct Miss: Sendable, Equatable {
        /// CamelCase, for a condition's reason: `FailedFlowsAboveThreshold`.
        public var reason: String
        /// For people: `3.20 % of flows failed; spec.thresholds.maxFailedFlowsPercent is 1`.
        public var message: String
    }

    /// One threshold that is set, against what the test measured.
    public struct Check: Sendable, Equatable {
        /// The field under `spec.thresholds`: `maxFailedFlowsPercent`.
        public var threshold: String
        /// The limit as the spec states it, with its unit: `1 %`, `5ms`.
        public var limit: String
        /// What was measured, with its unit, or nil when nothing was (no round trip, no outage figures).
        public var measured: String?
        public var met: Bool
    }

    public var misses: [Miss]
    /// Every threshold that is set, met or not, in the order of `ThresholdsSpec`'s fields.
    public var checks: [Check]

    public var passed: Bool { misses.isEmpty }

    /// Evaluates every threshold that is set against the merged summary.
    public init(thresholds: ThresholdsSpec?, summary: FlowTestSummary, disruption: DisruptionSummary? = nil) {
        misses = []
        checks = []
        guard let thresholds else { return }
        if let limit = thresholds.maxFailedFlowsPercent {
            let met = summary.failedFlowsPercent <= limit
            checks.append(Check(threshold: "maxFailedFlowsPercent", limit: "\(Self.format(limit)) %", measured: "\(Self.format(summary.failedFlowsPercent)) %", met: met))
            if !met {
                misses.append(Miss(
                    reason: "FailedFlowsAboveThreshold",
                    message: "\(Self.format(summary.failedFlowsPercent)) % of flows failed; spec.thresholds.maxFailedFlowsPercent is \(Self.format(limit))"))
            }
        }
        if let text = thresholds.maxRTTP99, let limit = ValueParsers.duration(text) {
            let limitMilliseconds = Double(limit.components.seconds) * 1000 + Double(limit.components.attoseconds) / 1e15
            let met = summary.rttP99Milliseconds.map { $0 <= limitMilliseconds } ?? false
            checks.append(Check(threshold: "maxRTTP99", limit: text, measured: summary.rttP99Milliseconds.map { "\(Self.format($0)) ms" }, met: met))
            if let p99 = summary.rttP99Milliseconds, !met {
                misses.append(Miss(
                    reason: "RTTAboveThreshold",
                    message: "p99 round trip \(Self.format(p99)) ms; spec.thresholds.maxRTTP99 is \(text)"))
            } else if summary.rttP99Milliseconds == nil {
                misses.append(Miss(reason: "NoRoundTrips", message: "no round trip was measured; spec.thresholds.maxRTTP99 is \(text)"))
            }
        }
        if let limit = thresholds.maxUDPLossPercent {
            // No UDP datagram sent: nothing was lost, as the verdict has always read it.
            let met = summary.udpLossPercent.map { $0 <= limit } ?? true
            checks.append(Check(threshold: "maxUDPLossPercent", limit: "\(Self.format(limit)) %", measured: summary.udpLossPercent.map { "\(Self.format($0)) %" }, met: met))
            if let loss = summary.udpLossPercent, !met {
                misses.append(Miss(
                    reason: "UDPLossAboveThreshold",
                    message: "\(Self.format(loss)) % of UDP datagrams lost; spec.thresholds.maxUDPLossPercent is \(Self.format(limit))"))
            }
        }
        if let minimum = thresholds.minFlowsCompleted {
            let met = summary.flowsCompleted >= minimum
            checks.append(Check(threshold: "minFlowsCompleted", limit: "\(minimum)", measured: "\(summary.flowsCompleted)", met: met))
            if !met {
                misses.append(Miss(
                    reason: "TooFewFlowsCompleted",
                    message: "\(summary.flowsCompleted) flows completed; spec.thresholds.minFlowsCompleted is \(minimum)"))
            }
        }
        if let minimum = thresholds.minMarkedPercent {
            let met = summary.markedPercent.map { $0 >= minimum } ?? false
            checks.append(Check(threshold: "minMarkedPercent", limit: "\(Self.format(minimum)) %", measured: summary.markedPercent.map { "\(Self.format($0)) %" }, met: met))
            if let percent = summary.markedPercent, !met {
                let counts = summary.marking ?? MarkingCounts()
                misses.append(Miss(
                    reason: "MarksLost",
                    message: "\(Self.format(percent)) % of arrivals carried the expected marks (UDP \(counts.udp.marked) marked, \(counts.udp.remarked) re-marked, \(counts.udp.unmarked) unmarked; TCP \(counts.tcp.marked)/\(counts.tcp.remarked)/\(counts.tcp.unmarked)); spec.thresholds.minMarkedPercent is \(Self.format(minimum))"))
            } else if summary.markedPercent == nil {
                misses.append(Miss(reason: "NoMarksChecked", message: "no echo server checked the marks of an arrival; spec.thresholds.minMarkedPercent is \(Self.format(minimum))"))
            }
        }
        let (disruptionChecks, disruptionMisses) = Self.disruption(thresholds, disruption)
        checks += disruptionChecks
        misses = disruptionMisses + misses
    }

    /// The continuous pattern's thresholds: the longest single-flow outage, the disrupted time.
    private static func disruption(_ thresholds: ThresholdsSpec, _ disruption: DisruptionSummary?) -> ([Check], [Miss]) {
        guard thresholds.maxOutage != nil || thresholds.maxDisruptedSeconds != nil else { return ([], []) }
        guard let disruption else {
            let checks = [thresholds.maxOutage.map { Check(threshold: "maxOutage", limit: $0, measured: nil, met: false) },
                          thresholds.maxDisruptedSeconds.map { Check(threshold: "maxDisruptedSeconds", limit: "\(format($0)) s", measured: nil, met: false) }]
            return (checks.compactMap { $0 }, [Miss(reason: "NoDisruptionMeasured", message: "no generator reported outages (the continuous pattern measures them); spec.thresholds.maxOutage and maxDisruptedSeconds need it")])
        }
        var checks: [Check] = []
        var misses: [Miss] = []
        if let text = thresholds.maxOutage, let limit = ValueParsers.duration(text) {
            let met = disruption.longestOutageMilliseconds <= limit.seconds * 1000
            checks.append(Check(threshold: "maxOutage", limit: text, measured: "\(format(disruption.longestOutageMilliseconds)) ms", met: met))
            if !met {
                misses.append(Miss(
                    reason: "OutageAboveThreshold",
                    message: "longest outage \(format(disruption.longestOutageMilliseconds)) ms (\(disruption.outages) outages in \(disruption.intervalCount) intervals); spec.thresholds.maxOutage is \(text)"))
            }
        }
        if let limit = thresholds.maxDisruptedSeconds {
            let met = disruption.disruptedSeconds <= limit
            checks.append(Check(threshold: "maxDisruptedSeconds", limit: "\(format(limit)) s", measured: "\(format(disruption.disruptedSeconds)) s", met: met))
            if !met {
                misses.append(Miss(
                    reason: "DisruptionAboveThreshold",
                    message: "flows were disrupted for \(format(disruption.disruptedSeconds)) s; spec.thresholds.maxDisruptedSeconds is \(format(limit))"))
            }
        }
        return (checks, misses)
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(format: "%.2f", value)
    }
}
