import ArgumentParser

/// Where an agent writes its statistics in a cluster: its entry under `status.agents` of a FlowTest.
struct ReportingOptions: ParsableArguments {
    @Option(help: "FlowTest to report into, as namespace/name; unset: no reporting (env FLOWTEST_REPORT_TO).")
    var reportTo: String?

    @Option(help: "This agent's key under status.agents, usually its pod name (env FLOWTEST_AGENT_NAME, default: host name).")
    var agentName: String?

    @Option(help: "How often to report (env FLOWTEST_REPORT_INTERVAL, default 10s).")
    var reportInterval: String?

    @Option(help: "kubeconfig to report through; default: the pod's service account (env FLOWTEST_KUBECONFIG).")
    var kubeconfig: String?
}
