import FlowTestShared

/// How the controller was told to build agent pods (chart values, passed as flags).
struct AgentPodSettings: Sendable {
    var image = "ghcr.io/flowtest/flowtest-agent:0.1.0"
    var pullPolicy = "IfNotPresent"
    var cpuRequest = "100m"
    var memoryRequest = "64Mi"
    var memoryLimit = "512Mi"
    var metricsPort = 9090
    /// Tolerations added to every agent pod, e.g. to run on dedicated test nodes.
    var defaultTolerations: [JSONValue] = []
}
