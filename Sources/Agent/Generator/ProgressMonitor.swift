import FlowTestShared
import Foundation

/// Prints one progress line per second to stderr (`--monitor`, and `run`), leaving stdout to the
/// command's result.
struct ProgressMonitor: Sendable {
    /// The figures to show: one generator's, or several merged (local mode).
    let snapshot: @Sendable () -> GeneratorSnapshot
    let elapsed: @Sendable () -> Duration

    func run() async {
        var previousStarted: UInt64 = 0
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
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
