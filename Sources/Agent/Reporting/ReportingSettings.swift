import FlowTestShared
import Foundation

/// Resolved reporting options; nil from `resolve` when the agent does not report.
struct ReportingSettings: Sendable {
    var namespace: String
    var flowTest: String
    var agentName: String
    var incarnation: AgentIncarnation
    var interval: Duration
    /// How long the final report is retried; below the pods' 30 s termination grace period, so
    /// the process always gets to exit on its own, with a code that says whether it landed.
    var finalReportTimeout: Duration = .seconds(20)
    /// Until when an agent that finished on its own (not terminated) retries its final report:
    /// the controller waits for it until its own deadline for the test, so giving up sooner
    /// loses figures the test would still have used.
    var reportDeadline: Date?
    var kubeconfig: String?

    static func resolve(_ options: ReportingOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> ReportingSettings? {
        let target = try resolver.resolveOptional("--report-to", options.reportTo, expected: "namespace/name of a FlowTest") { text -> (String, String)? in
            let parts = text.split(separator: "/").map(String.init)
            guard parts.count == 2, parts.allSatisfy({ ValueParsers.host($0) != nil }) else { return nil }
            return (parts[0], parts[1])
        }
        guard let (namespace, flowTest) = target else { return nil }
        let agentName = try resolver.resolve(
            "--agent-name", options.agentName, default: ProcessInfo.processInfo.hostName,
            expected: "a name of letters, digits, '-' and '.'", parse: ValueParsers.host)
        let podUID = try resolver.resolveOptional("--pod-uid", options.podUid, expected: "a pod UID of letters, digits and '-'") { text in
            !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } ? text : nil
        }
        let interval = try resolver.resolve(
            "--report-interval", options.reportInterval, default: .seconds(10), expected: "a duration such as 10s, at least 100ms",
            parse: { ValueParsers.duration($0).flatMap { $0 >= .milliseconds(100) ? $0 : nil } })
        let finalReportTimeout = try resolver.resolve(
            "--final-report-timeout", options.finalReportTimeout, default: .seconds(20), expected: "a duration such as 20s, at least 1s",
            parse: { ValueParsers.duration($0).flatMap { $0 >= .seconds(1) ? $0 : nil } })
        let reportDeadline = try resolver.resolveOptional(
            "--report-deadline", options.reportDeadline, expected: "an RFC 3339 time such as 2026-12-06T10:00:00Z", parse: FlowTestStatus.date)
        let kubeconfig = try resolver.resolveOptional("--kubeconfig", options.kubeconfig, expected: "a file path") { $0.isEmpty ? nil : $0 }
        return ReportingSettings(
            namespace: namespace, flowTest: flowTest, agentName: agentName, incarnation: AgentIncarnation(podUID: podUID),
            interval: interval, finalReportTimeout: finalReportTimeout, reportDeadline: reportDeadline, kubeconfig: kubeconfig)
    }

    /// How long one report request may wait for an answer: an apiserver that is away must not
    /// hold a report (or the agent's shutdown) for URLSession's default of minutes.
    static let requestTimeout: Duration = .seconds(5)

    /// The client to report with: the kubeconfig if given, else the pod's service account.
    /// It does not retry on its own: the reporter decides how long to keep trying.
    func makeClient() throws -> KubernetesClient {
        do {
            let configuration = try kubeconfig.map { path throws(KubernetesConfigurationError) in try KubeconfigLoader.load(path: path) }
                ?? KubernetesConfiguration.inCluster()
            return KubernetesClient(configuration: configuration, retry: .init(attempts: 1), requestTimeout: Self.requestTimeout)
        } catch {
            throw StartupError("cannot report to FlowTest \(namespace)/\(flowTest): \(error)")
        }
    }
}
