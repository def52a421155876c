import FlowTestShared
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes this process's cumulative statistics into its own FlowTestReport object (named after
/// the agent's pod, labelled and owned by the FlowTest), under `report.incarnations[<incarnation>]`,
/// every interval and once more, marked finished, when the agent stops.
///
/// One object per agent: a write costs the apiserver the size of this agent's report, not of the
/// whole test (writing into the FlowTest's status cost N × N with N agents; issue 25). The first
/// report creates the object; every later one is a JSON merge patch that names only this
/// process's key, so a restarted process never overwrites the one before it (DESIGN.md,
/// decisions 3 and 6), and because the figures are absolute, a retried or repeated report cannot
/// count twice.
final class StatusReporter: Service, Sendable {
    private let client: KubernetesClient
    private let settings: ReportingSettings
    private let role: AgentReport.Role
    private let makeReport: @Sendable (_ finished: Bool) -> AgentReport
    private let logger: Logger
    private let finalOutcome = Mutex<FinalReportOutcome?>(nil)
    /// Whether the report object is known to exist: then a report is one merge patch.
    private let objectExists = Mutex(false)

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
            try await write(report)
            logger.debug("reported", metadata: metadata(["finished": "\(finished)"]))
            return nil
        } catch let error as KubernetesError {
            return error
        } catch {
            return .malformedResponse(message: "cannot encode the report: \(error)")
        }
    }

    /// Creates the report object with this first report, or merge-patches this incarnation's key
    /// into it; a create that finds it there (a restarted container, a replaced pod) patches, and
    /// a patch that finds it gone (deleted by hand) creates it again.
    private func write(_ report: AgentReport) async throws {
        let id = settings.incarnation.id
        let patch = try FlowTestReport.patch(incarnation: id, report: report)
        if objectExists.withLock({ $0 }), try await patchObject(patch) { return }
        let object = try JSONValue(
            encoding: FlowTestReport.first(
                pod: settings.agentName, namespace: settings.namespace, flowTest: settings.flowTest, flowTestUID: settings.flowTestUID, role: role,
                incarnation: id, report: report))
        if try await !createObject(object) {
            guard try await patchObject(patch) else { throw KubernetesError.notFound(message: "FlowTestReport \(settings.agentName) vanished between create and patch") }
        }
        objectExists.withLock { $0 = true }
    }

    /// Merge-patches this incarnation into the report object; false when the object is not there.
    private func patchObject(_ patch: JSONValue) async throws(KubernetesError) -> Bool {
        do {
            let _: JSONValue = try await client.mergePatch(.flowTestReports, namespace: settings.namespace, name: settings.agentName, patch)
            return true
        } catch .notFound {
            objectExists.withLock { $0 = false }
            return false
        }
    }

    /// Creates the report object; false when it is there already.
    private func createObject(_ object: JSONValue) async throws(KubernetesError) -> Bool {
        do {
            let _: JSONValue = try await client.create(.flowTestReports, namespace: settings.namespace, object)
            return true
        } catch .alreadyExists {
            return false
        }
    }

    private func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
        extra.merging(["flowtest": "\(settings.namespace)/\(settings.flowTest)", "incarnation": "\(settings.incarnation.id)"]) { $1 }
    }
}
