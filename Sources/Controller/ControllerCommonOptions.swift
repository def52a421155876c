import ArgumentParser

/// Logging and the metrics/health endpoint of the controller.
struct ControllerCommonOptions: ParsableArguments {
    @Option(help: "Log level (env FLOWTEST_LOG_LEVEL, default info).")
    var logLevel: String?
    @Option(help: "Log format: human or json (env FLOWTEST_LOG_FORMAT, default json).")
    var logFormat: String?
    @Option(help: "Port of /metrics, /healthz and /readyz (env FLOWTEST_METRICS_PORT, default 8080).")
    var metricsPort: String?
    @Option(help: "Address of the metrics endpoint (env FLOWTEST_METRICS_ADDRESS, default 0.0.0.0).")
    var metricsAddress: String?
}
