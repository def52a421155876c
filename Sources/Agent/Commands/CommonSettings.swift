import FlowTestShared
import Logging

/// The resolved, validated form of `CommonOptions`.
struct CommonSettings: Equatable, Sendable {
    var logLevel: Logger.Level = .info
    var logFormat: LogFormat = .human
    var metricsAddress = "0.0.0.0"
    var metricsPort = 9090

    /// Applies flag > environment > default to every common option.
    static func resolve(_ options: CommonOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> CommonSettings {
        var settings = CommonSettings()
        settings.logLevel = try resolver.resolve(
            "--log-level", options.logLevel, default: settings.logLevel,
            expected: "one of trace, debug, info, notice, warning, error, critical",
            parse: LoggingSetup.parseLevel)
        settings.logFormat = try resolver.resolve(
            "--log-format", options.logFormat, default: settings.logFormat,
            expected: ValueParsers.describeChoices(LogFormat.self), parse: ValueParsers.choice(LogFormat.self))
        settings.metricsPort = try resolver.resolve(
            "--metrics-port", options.metricsPort, default: settings.metricsPort,
            expected: "a port number 0...65535", parse: ValueParsers.portOrZero)
        settings.metricsAddress = try resolver.resolve(
            "--metrics-address", options.metricsAddress, default: settings.metricsAddress,
            expected: "an IPv4 or IPv6 address", parse: ValueParsers.ipAddress)
        return settings
    }
}
