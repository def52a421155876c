import ArgumentParser

/// The echo server's flags, as text; `EchoConfiguration.resolve` validates them.
struct EchoOptions: ParsableArguments {
    @Option(help: "Comma-separated TCP ports to echo on; 0 picks a free port (env FLOWTEST_TCP_PORTS, default 8080).")
    var tcpPorts: String?

    @Option(help: "Comma-separated UDP ports to echo on; 0 picks a free port (env FLOWTEST_UDP_PORTS, default 8080).")
    var udpPorts: String?

    @Option(help: "Address to listen on; :: also accepts IPv4 (env FLOWTEST_BIND_ADDRESS, default 0.0.0.0 and, with IPv6, ::).")
    var bindAddress: String?

    @Option(help: "Most TCP connections open at once; 0 means as many as the descriptor limit allows (env FLOWTEST_MAX_CONNECTIONS, default 0).")
    var maxConnections: String?

    @Option(help: "Close a TCP connection idle this long; 0 never does (env FLOWTEST_IDLE_TIMEOUT, default 5m).")
    var idleTimeout: String?

    @Option(help: "DiffServ code point arrivals should carry (0-63 or a name such as EF); replies carry it too (env FLOWTEST_DSCP, default: none).")
    var dscp: String?

    @Option(help: "SciTags EXPERIMENT:ACTIVITY the flow labels of IPv6 arrivals should carry, e.g. 65:2 (env FLOWTEST_SCITAG, default: none).")
    var scitag: String?

    @Option(help: "UDP port to count SciTags fireflies on, e.g. 10514 (env FLOWTEST_FIREFLY_PORT, default: none).")
    var fireflyPort: String?

    @Option(help: "On SIGTERM, how long open connections may go on before they are closed (env FLOWTEST_GRACE_PERIOD, default 10s).")
    var gracePeriod: String?

    @Flag(help: "Latency mode: the event loops poll for 200 µs after each event instead of sleeping, for the lowest round-trip times, at the cost of CPU (env FLOWTEST_DEDICATED_THREADS).")
    var dedicatedThreads = false
}
