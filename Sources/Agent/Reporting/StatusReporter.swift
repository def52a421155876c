import FlowTestShared
import Logging
import ServiceLifecycle

/// Writes this agent's cumulative statistics into `status.agents[<agent name>]` of its FlowTest,
/// every interval and once more, marked finished, when the agent stops.
///
/// A JSON merge patch on the `/status` subresource that names only this agent's key: concurrent
/// agents never overwrite each other (DESIGN.md, decision 3), and because the figures are
/// absolute, a retried or repeated report cannot count twice.
final class StatusReporter: Service, Sendable {
    private let client: KubernetesClient
    private let settings: ReportingSettings
    private let makeReport: @Sendable (_ finished: Bool) -> AgentReport
    private let logger: Logger

    init(client: KubernetesClient, settings: ReportingSettings, logger: Logger, makeReport: @escaping @Sendable (_ finished: Bool) -> AgentReport) {
        self.client = client
        self.settings = settings
        self.makeReport = makeReport
        self.logger = logger
    }

    func run() async throws {
        while true {
            do { try await Task.sleep(for: settings.interval) } catch { break }
            if Task.isShuttingDownGracefully { break }
            await report(finished: false)
            if Task.isShuttingDownGracefully { break }
        }
        // Listed before the traffic service, this one is shut down after it: the final figures are in.
        await report(finished: true)
    }

    /// Sends one report; failures are logged, never fatal: the next report carries everything again.
    func report(finished: Bool) async {
        let report = makeReport(finished)
        do {
            let entry = try JSONValue(encoding: report)
            let patch: JSONValue = .object(["status": .object(["agents": .object([settings.agentName: entry])])])
            let _: JSONValue = try await client.mergePatch(
                .flowTests, namespace: settings.namespace, name: settings.flowTest, patch, subresource: "status")
            logger.debug("reported", metadata: ["flowtest": "\(settings.namespace)/\(settings.flowTest)", "finished": "\(finished)"])
        } catch {
            logger.warning(
                "report failed", metadata: ["flowtest": "\(settings.namespace)/\(settings.flowTest)", "error": "\(error)"])
        }
    }
}
