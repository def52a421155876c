import FlowTestShared

/// Everything an echo server needs, validated.
struct EchoConfiguration: Equatable, Sendable {
    var tcpPorts = [8080]
    var udpPorts = [8080]
    /// The port each TCP listener's protocol is chosen by, in `tcpPorts`' order: the spec's own
    /// when `--any-ports` binds port 0, so MySQL's, SMTP's and FTP's greetings still go out.
    /// Nil: `tcpPorts`.
    var tcpProtocolPorts: [Int]?
    /// Nil: `::` (dual stack), falling back to `0.0.0.0` where the host has no IPv6.
    var bindAddress: String?
    /// Nil: the descriptor limit, less a reserve for listeners, logs and the metrics endpoint.
    var maxConnections: Int?
    /// Nil: connections are never closed for being idle.
    var idleTimeout: Duration? = .seconds(300)
    var gracePeriod = Duration.seconds(10)
    /// The marks arrivals should carry (`--dscp`, `--scitag`); nil judges nothing, and then no
    /// listener does any marking work.
    var expectation: MarkExpectation?
    /// The UDP port fireflies are counted on; nil listens for none.
    var fireflyPort: Int?
    /// Latency mode: the data plane's loops poll after each event (`LatencyMode`).
    var dedicatedThreads = false

    /// Resolves every echo setting (flag > `FLOWTEST_*` > default).
    static func resolve(_ options: EchoOptions, _ resolver: SettingResolver) throws(ConfigurationError) -> Self {
        var config = EchoConfiguration()
        let portsText = "comma-separated distinct ports 0...65535 (0 = any free port)"
        config.tcpPorts = try resolver.resolve(
            "--tcp-ports", options.tcpPorts, default: config.tcpPorts, expected: portsText, parse: Self.listenPorts)
        config.udpPorts = try resolver.resolve(
            "--udp-ports", options.udpPorts, default: config.udpPorts, expected: portsText, parse: Self.listenPorts)
        config.bindAddress = try resolver.resolveOptional(
            "--bind-address", options.bindAddress, expected: "an IPv4 or IPv6 address", parse: ValueParsers.ipAddress)
        let maxConnections = try resolver.resolve(
            "--max-connections", options.maxConnections, default: 0, expected: "a whole number ≥ 0 (0 = descriptor limit)",
            parse: ValueParsers.integer(in: 0...100_000_000))
        config.maxConnections = maxConnections == 0 ? nil : maxConnections
        let idle = try resolver.resolve(
            "--idle-timeout", options.idleTimeout, default: config.idleTimeout ?? .zero,
            expected: "a duration such as 30s or 5m (0 = never)", parse: ValueParsers.duration)
        config.idleTimeout = idle == .zero ? nil : idle
        config.gracePeriod = try resolver.resolve(
            "--grace-period", options.gracePeriod, default: config.gracePeriod, expected: "a duration such as 10s",
            parse: ValueParsers.duration)
        let dscp = try resolver.resolveOptional("--dscp", options.dscp, expected: DSCPValue.expected, parse: DSCPValue.init(parsing:))
        let scitag = try resolver.resolveOptional("--scitag", options.scitag, expected: SciTag.expected, parse: SciTag.init(parsing:))
        if dscp != nil || scitag != nil { config.expectation = MarkExpectation(dscp: dscp, scitag: scitag) }
        config.fireflyPort = try resolver.resolveOptional(
            "--firefly-port", options.fireflyPort, expected: "a UDP port 0...65535 (0 = any free port)", parse: ValueParsers.portOrZero)
        config.dedicatedThreads = try resolver.resolveSwitch("--dedicated-threads", options.dedicatedThreads)
        if config.tcpPorts.isEmpty, config.udpPorts.isEmpty {
            throw ConfigurationError(setting: "--tcp-ports", value: "", expected: "at least one TCP or UDP port to echo on")
        }
        return config
    }

    private static func listenPorts(_ text: String) -> [Int]? {
        ValueParsers.portList(text, allowingZero: true)
    }
}
