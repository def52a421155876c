import FlowTestShared

/// The lines of the report's charts over time, from the test's merged time series: rates per
/// second over the part of each step the run covered (the first and last steps are partial),
/// percentiles from each step's merged round-trip buckets.
struct TimelinePlots {
    typealias Points = [(seconds: Double, value: Double?)]

    /// Unix milliseconds of time zero: when the first generator began sampling.
    let originMilliseconds: Int64
    /// The series' length in seconds.
    let duration: Double
    let started, completed, failed, active: Points
    let rttP50, rttP90, rttP99: Points
    let udpLossPercent, udpJitterMilliseconds: Points
    let throughputMegabits: Points
    /// Whether any step sent a UDP datagram.
    let hasUDP: Bool

    init(_ series: TimeSeries) {
        originMilliseconds = series.startMilliseconds
        duration = Double(series.endMilliseconds - series.startMilliseconds) / 1000
        let steps = series.steps
        // Each point stands at the end of its step: the figures are what happened up to then.
        func points(_ value: (_ sample: TimeSeriesSample, _ seconds: Double) -> Double?) -> Points {
            steps.map { step in
                let end = min(step.start + series.stepMilliseconds, series.endMilliseconds)
                return (Double(end - series.startMilliseconds) / 1000, value(step.sample, step.seconds))
            }
        }
        started = points { Double($0.flowsStarted) / $1 }
        completed = points { Double($0.flowsCompleted) / $1 }
        failed = points { Double($0.flowsFailed) / $1 }
        active = points { sample, _ in Double(sample.activeFlows) }
        rttP50 = points { sample, _ in sample.rtt.percentileMilliseconds(50) }
        rttP90 = points { sample, _ in sample.rtt.percentileMilliseconds(90) }
        rttP99 = points { sample, _ in sample.rtt.percentileMilliseconds(99) }
        // Losses are counted when their flow ends, so a step's ratio can run ahead of its sends.
        udpLossPercent = points { sample, _ in
            sample.udpDatagramsSent == 0 ? nil : min(100, Double(sample.udpLost) / Double(sample.udpDatagramsSent) * 100)
        }
        udpJitterMilliseconds = points { sample, _ in
            sample.udpJitterFlows == 0 ? nil : Double(sample.udpJitterMicrosecondsSum) / Double(sample.udpJitterFlows) / 1000
        }
        throughputMegabits = points { Double($0.bytes) * 8 / $1 / 1e6 }
        hasUDP = steps.contains { $0.sample.udpDatagramsSent > 0 }
    }
}
