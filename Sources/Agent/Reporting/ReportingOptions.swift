import ArgumentParser

/// Where an agent writes its statistics in a cluster: its entry under `status.agents` of a FlowTest.
struct ReportingOptions: ParsableArguments {
    @Option(help: "FlowTest to report into, as namespace/name; unset: no reporting (env FLOWTEST_REPORT_TO).")
    var reportTo: String?

    @Option(help: "This agent's key under status.agents, usually its pod name (env FLOWTEST_AGENT_NAME, default: host name).")
    var agentName: String?

    @Option(help: "This agent's pod UID, which tells a replaced pod's reports from its predecessor's (env FLOWTEST_POD_UID).")
    var podUid: String?

    @Option(help: "How often to report (env FLOWTEST_REPORT_INTERVAL, default 10s).")
    var reportInterval: String?

    @Option(help: "How long to keep retrying the final report before exiting with code 3 (env FLOWTEST_FINAL_REPORT_TIMEOUT, default 20s).")
    var finalReportTimeout: String?

    @Option(help: "A generator that finished on its own (no SIGTERM) retries its final report until this time, RFC 3339, at least --final-report-timeout: the controller's own deadline for the test (env FLOWTEST_REPORT_DEADLINE, default none).")
    var reportDeadline: String?

    @Option(help: "kubeconfig to report through; default: the pod's service account (env FLOWTEST_KUBECONFIG).")
    var kubeconfig: String?
}
