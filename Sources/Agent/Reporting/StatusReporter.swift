import FlowTestShared
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes this process's cumulative statistics into
/// `status.agents[<agent name>].incarnations[<incarnation>]` of its FlowTest, every interval and
/// once more, marked finished, when the agent stops.
///
/// A JSON merge patch on the `/status` subresource that names only this process's key:
/// concurrent agents never overwrite each other, a restarted process never overwrites the one
/// before it (DESIGN.md, decisions 3 and 6), and because the figures are absolute, a retried or
/// repeated report cannot count twice.
final class StatusReporter: Service, Sendable {
    private let client: KubernetesClient
    private let settings: ReportingSettings
    private let role: AgentReport.Role
    private let makeReport: @Sendable (_ finished: Bool) -> AgentReport
    private let logger: Logger
    private let finalOutcome = Mutex<FinalReportOutcome?>(nil)

    /// What became of the final report.
    enum FinalReportOutcome: Sendable, Equatable {
        case landed(attempts: Int)
        case abandoned(attempts: Int, lastError: String)
    }

    init(
        client: KubernetesClient, settings: ReportingSettings, role: AgentReport.Role, logger: Logger,
        makeReport: @escaping @Sendable (_ finished: Bool) -> AgentReport
    ) {
        self.client = client
        self.settings = settings
        self.role = role
        self.makeReport = makeReport
        self.logger = logger
    }

    /// Set once the final report has landed or its retries ran out; nil before.
    var finalReport: FinalReportOutcome? { finalOutcome.withLock { $0 } }

    /// Throws when the final report was abandoned, so the command exits with code 3.
    func requireFinalReport() throws(FinalReportError) {
        if case .abandoned(let attempts, let lastError) = finalReport {
            throw FinalReportError(flowTest: "\(settings.namespace)/\(settings.flowTest)", attempts: attempts, lastError: lastError)
        }
    }

    func run() async throws {
        while true {
            // Shutdown ends the wait at once: the final report must not wait out an interval.
            do { try await cancelWhenGracefulShutdown { [settings] in try await Task.sleep(for: settings.interval) } } catch { break }
            if Task.isShuttingDownGracefully { break }
            // A periodic report that fails is only logged: the next one carries everything again.
            if let error = await report(finished: false) {
                logger.warning("report failed", metadata: metadata(["error": "\(error)"]))
            }
            if Task.isShuttingDownGracefully { break }
        }
        // Listed before the traffic service, this one is shut down after it: the final figures are in.
        let outcome = await sendFinalReport()
        finalOutcome.withLock { $0 = outcome }
    }

    /// Sends the final report until it lands or its window has passed, backing off between
    /// attempts; each attempt is bounded by the client's request timeout.
    ///
    /// The window: a terminated agent (SIGTERM, its pod deleted) has `finalReportTimeout`, which
    /// ends within its grace period. An agent that finished on its own is not being terminated,
    /// and its FlowTest still takes the report until the controller's deadline: it retries until
    /// `reportDeadline` (a generator gave up after 20 s of an apiserver away for 25 s, and its
    /// figures were lost). A signal during those retries shortens the window to the grace period.
    func sendFinalReport() async -> FinalReportOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let patient = settings.reportDeadline.map { start + .seconds(max(0, $0.timeIntervalSinceNow)) }
        var backoff = Duration.milliseconds(200)
        var attempts = 0
        while true {
            attempts += 1
            guard let error = await report(finished: true) else {
                if attempts > 1 { logger.notice("final report landed", metadata: metadata(["attempts": "\(attempts)"])) }
                return .landed(attempts: attempts)
            }
            let remaining = Self.finalReportDeadline(
                start: start, timeout: settings.finalReportTimeout, patientUntil: patient, terminatedAt: TerminationSignal.shared.receivedAt)
                - clock.now
            // A FlowTest that is gone, or a Role that forbids it, will not change its mind; and a
            // cancelled task (a second signal) wants out now, not after the bound.
            guard remaining > .zero, error.isRetryable, !Task.isCancelled else {
                logger.error(
                    "final report never landed; its figures are only in this process's output",
                    metadata: metadata(["attempts": "\(attempts)", "timeout": "\(settings.finalReportTimeout.flowTestText)", "error": "\(error)"]))
                return .abandoned(attempts: attempts, lastError: "\(error)")
            }
            logger.warning("final report failed; retrying", metadata: metadata(["error": "\(error)", "attempt": "\(attempts)"]))
            // Not cancellable on purpose: shutdown is what sent us here, and the report must go on.
            try? await Task.sleep(for: min(backoff, remaining))
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    /// Until when the final report is retried: `timeout` after the first attempt, or after the
    /// termination signal; a process that was not terminated before its final report may wait
    /// until `patientUntil` instead, if that is later.
    static func finalReportDeadline(
        start: ContinuousClock.Instant, timeout: Duration, patientUntil: ContinuousClock.Instant?, terminatedAt: ContinuousClock.Instant?
    ) -> ContinuousClock.Instant {
        let impatient = start + timeout
        guard let patientUntil, patientUntil > impatient else { return impatient }
        guard let terminatedAt else { return patientUntil }
        // Terminated before the final report began: the grace period is all there is.
        if terminatedAt <= start { return impatient }
        return min(patientUntil, max(impatient, terminatedAt + timeout))
    }

    /// Sends one report; returns the error when it did not land.
    func report(finished: Bool) async -> KubernetesError? {
        let report = makeReport(finished)
        do {
            let entry: JSONValue = .object([
                "role": .string(role.rawValue),
                "incarnations": .object([settings.incarnation.id: try JSONValue(encoding: report)]),
            ])
            let patch: JSONValue = .object(["status": .object(["agents": .object([settings.agentName: entry])])])
            let _: JSONValue = try await client.mergePatch(
                .flowTests, namespace: settings.namespace, name: settings.flowTest, patch, subresource: "status")
            logger.debug("reported", metadata: metadata(["finished": "\(finished)"]))
            return nil
        } catch let error as KubernetesError {
            return error
        } catch {
            return .malformedResponse(message: "cannot encode the report: \(error)")
        }
    }

    private func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
        extra.merging(["flowtest": "\(settings.namespace)/\(settings.flowTest)", "incarnation": "\(settings.incarnation.id)"]) { $1 }
    }
}
