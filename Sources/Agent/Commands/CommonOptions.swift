import ArgumentParser

/// Options every role shares: logging and the metrics/health endpoint.
///
/// All values are taken as text and resolved by `CommonSettings.resolve`, which applies the
/// `FLOWTEST_*` environment fallback and reports bad values in one line.
struct CommonOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env FLOWTEST_LOG_LEVEL, default info).")
    var logLevel: String?

    @Option(help: "Log format: human or json (env FLOWTEST_LOG_FORMAT, default human).")
    var logFormat: String?

    @Option(help: "Port of the /metrics, /healthz and /readyz endpoint; 0 picks a free one (env FLOWTEST_METRICS_PORT, default 9090).")
    var metricsPort: String?

    @Option(help: "Address the metrics endpoint binds to (env FLOWTEST_METRICS_ADDRESS, default 0.0.0.0).")
    var metricsAddress: String?
}
