import FlowTestShared
import Foundation

/// Prints one progress line per second to stderr (`--monitor`, and `run`), leaving stdout to the
/// command's result.
struct ProgressMonitor: Sendable {
    /// The figures to show: one generator's, or several merged (local mode).
    let snapshot: @Sendable () -> GeneratorSnapshot
    let elapsed: @Sendable () -> Duration
    /// How long after its end an interval can still grow: a flow learns of an outage that began
    /// at a send time only a response timeout later. Intervals are printed once settled.
    var settleTime = Duration.zero

    func run() async {
        var previousStarted: UInt64 = 0
        // Continuous pattern: each interval is printed once, when it has ended.
        var printedUntil = Int64.min
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            let snapshot = snapshot()
            let total = snapshot.total
            let roundTrips = LatencySummary(nanoseconds: snapshot.allRoundTrips)
            let elapsed = Int(elapsed().seconds.rounded())
            let line = String(
                format: "[%4ds] flows started %llu (+%llu) open %d completed %llu failed %llu | echoes %llu/%llu | rtt p50 %.3f ms p99 %.3f ms | udp lost %llu",
                elapsed, total.flowsStarted, total.flowsStarted - previousStarted, snapshot.activeFlows.tcp + snapshot.activeFlows.udp,
                total.flowsCompleted, total.flowsFailed, total.messagesReceived, total.messagesSent, roundTrips.p50, roundTrips.p99,
                total.udpLost)
            previousStarted = total.flowsStarted
            var lines = [line]
            if let disruption = snapshot.disruption {
                lines[0] += String(
                    format: " | outages %lld (active %lld) longest %.1f ms", disruption.outages, disruption.activeOutages,
                    disruption.longestOutageMilliseconds)
                let settled = Int64(Date().timeIntervalSince1970 * 1e9) - Int64(settleTime.seconds * 1e9) - 100_000_000
                for interval in disruption.intervals where !interval.ongoing && interval.start > printedUntil && interval.end < settled {
                    lines.append("       outage " + interval.description)
                    printedUntil = interval.end
                }
            }
            // Queued: a stderr nobody reads drops progress lines rather than stalling this task.
            StandardStream.error.write(lines.joined(separator: "\n") + "\n", droppable: true)
        }
    }
}
