import FlowTestShared
import Foundation

/// Resolved reporting options; nil from `resolve` when the agent does not report.
struct ReportingSettings: Sendable {
    var namespace: String
    var flowTest: String
    var agentName: String
    var interval: Duration
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
        let interval = try resolver.resolve(
            "--report-interval", options.reportInterval, default: .seconds(10), expected: "a duration such as 10s, at least 100ms",
            parse: { ValueParsers.duration($0).flatMap { $0 >= .milliseconds(100) ? $0 : nil } })
        let kubeconfig = try resolver.resolveOptional("--kubeconfig", options.kubeconfig, expected: "a file path") { $0.isEmpty ? nil : $0 }
        return ReportingSettings(namespace: namespace, flowTest: flowTest, agentName: agentName, interval: interval, kubeconfig: kubeconfig)
    }

    /// The client to report with: the kubeconfig if given, else the pod's service account.
    func makeClient() throws -> KubernetesClient {
        do {
            let configuration = try kubeconfig.map { path throws(KubernetesConfigurationError) in try KubeconfigLoader.load(path: path) }
                ?? KubernetesConfiguration.inCluster()
            return KubernetesClient(configuration: configuration)
        } catch {
            throw StartupError("cannot report to FlowTest \(namespace)/\(flowTest): \(error)")
        }
    }
}
