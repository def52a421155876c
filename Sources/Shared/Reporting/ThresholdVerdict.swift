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

    public var misses: [Miss]

    public var passed: Bool { misses.isEmpty }

    /// Evaluates every threshold that is set against the merged summary.
    public init(thresholds: ThresholdsSpec?, summary: FlowTestSummary, disruption: DisruptionSummary? = nil) {
        misses = []
        guard let thresholds else { return }
        misses += Self.disruptionMisses(thresholds, disruption)
        if let limit = thresholds.maxFailedFlowsPercent, summary.failedFlowsPercent > limit {
            misses.append(Miss(
                reason: "FailedFlowsAboveThreshold",
                message: "\(Self.format(summary.failedFlowsPercent)) % of flows failed; spec.thresholds.maxFailedFlowsPercent is \(Self.format(limit))"))
        }
        if let text = thresholds.maxRTTP99, let limit = ValueParsers.duration(text) {
            let limitMilliseconds = Double(limit.components.seconds) * 1000 + Double(limit.components.attoseconds) / 1e15
            if let p99 = summary.rttP99Milliseconds, p99 > limitMilliseconds {
                misses.append(Miss(
                    reason: "RTTAboveThreshold",
                    message: "p99 round trip \(Self.format(p99)) ms; spec.thresholds.maxRTTP99 is \(text)"))
            } else if summary.rttP99Milliseconds == nil {
                misses.append(Miss(reason: "NoRoundTrips", message: "no round trip was measured; spec.thresholds.maxRTTP99 is \(text)"))
            }
        }
        if let limit = thresholds.maxUDPLossPercent, let loss = summary.udpLossPercent, loss > limit {
            misses.append(Miss(
                reason: "UDPLossAboveThreshold",
                message: "\(Self.format(loss)) % of UDP datagrams lost; spec.thresholds.maxUDPLossPercent is \(Self.format(limit))"))
        }
        if let minimum = thresholds.minFlowsCompleted, summary.flowsCompleted < minimum {
            misses.append(Miss(
                reason: "TooFewFlowsCompleted",
                message: "\(summary.flowsCompleted) flows completed; spec.thresholds.minFlowsCompleted is \(minimum)"))
        }
    }

    /// The continuous pattern's thresholds: the longest single-flow outage, the disrupted time.
    private static func disruptionMisses(_ thresholds: ThresholdsSpec, _ disruption: DisruptionSummary?) -> [Miss] {
        guard thresholds.maxOutage != nil || thresholds.maxDisruptedSeconds != nil else { return [] }
        guard let disruption else {
            return [Miss(reason: "NoDisruptionMeasured", message: "no generator reported outages (the continuous pattern measures them); spec.thresholds.maxOutage and maxDisruptedSeconds need it")]
        }
        var misses: [Miss] = []
        if let text = thresholds.maxOutage, let limit = ValueParsers.duration(text) {
            let limitMilliseconds = limit.seconds * 1000
            if disruption.longestOutageMilliseconds > limitMilliseconds {
                misses.append(Miss(
                    reason: "OutageAboveThreshold",
                    message: "longest outage \(format(disruption.longestOutageMilliseconds)) ms (\(disruption.outages) outages in \(disruption.intervalCount) intervals); spec.thresholds.maxOutage is \(text)"))
            }
        }
        if let limit = thresholds.maxDisruptedSeconds, disruption.disruptedSeconds > limit {
            misses.append(Miss(
                reason: "DisruptionAboveThreshold",
                message: "flows were disrupted for \(format(disruption.disruptedSeconds)) s; spec.thresholds.maxDisruptedSeconds is \(format(limit))"))
        }
        return misses
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(format: "%.2f", value)
    }
}
