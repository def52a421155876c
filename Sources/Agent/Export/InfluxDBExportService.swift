import FlowTestShared
import Foundation
import ServiceLifecycle

/// Runs an agent's InfluxDB export beside its traffic: points every interval, and the final
/// ones, written within `finalTimeout`, once the traffic has stopped. Listed before the traffic
/// service, it is shut down after it, so the final points hold the final figures.
final class InfluxDBExportService: Service, Sendable {
    let writer: InfluxDBWriter
    private let points: @Sendable (_ finished: Bool) -> [LinePoint]
    private let finalTimeout: Duration
    /// When the final flush must end whatever its timeout leaves: a local run's shutdown bound
    /// after the signal, so its status is still printed within the bound.
    private let finalDeadline: @Sendable () -> ContinuousClock.Instant?

    init(
        writer: InfluxDBWriter, finalTimeout: Duration = .seconds(10), finalDeadline: @escaping @Sendable () -> ContinuousClock.Instant? = { nil },
        points: @escaping @Sendable (_ finished: Bool) -> [LinePoint]
    ) {
        self.writer = writer
        self.finalTimeout = finalTimeout
        self.finalDeadline = finalDeadline
        self.points = points
    }

    /// One agent's points: its report, as it would write it into the status, tagged.
    static func points(_ report: AgentReport, _ identity: ExportIdentity) -> [LinePoint] {
        report.linePoints(identity, time: Int64(Date().timeIntervalSince1970 * 1e9))
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await writer.run { [self] in points(false) }
        }
        _ = await writer.finish(points(true), timeout: finalTimeout, notAfter: finalDeadline())
    }
}
