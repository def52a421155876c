import ArgumentParser

/// The generator's flags, as text; `GeneratorConfiguration.resolve` validates them.
///
/// They mirror the seed flow generator's options (renamed to kebab-case), plus the message
/// interval, the seed, and timeouts. Each also reads `FLOWTEST_<NAME>` from the environment.
struct GenerateOptions: ParsableArguments {
    @Option(help: "Host name or address of the echo server, or several separated by commas: flows go to every target and port in turn (env FLOWTEST_TARGET, default localhost).")
    var target: String?

    @Flag(help: "Send to every address each target name resolves to, looked up again every 5s (a headless Service: one address per ready echo pod), not just the first (env FLOWTEST_EVERY_ADDRESS).")
    var everyAddress = false

    @Option(help: "Dial only this many of the targets' addresses: a window of the ring of them, sorted, chosen by --generator-index of --generator-count so that the windows of all generators cover every address when the count times this is at least their number (env FLOWTEST_TARGETS_PER_GENERATOR, default: all).")
    var targetsPerGenerator: String?

    @Option(help: "This generator's position among --generator-count, from 0: where its window of --targets-per-generator starts (env FLOWTEST_GENERATOR_INDEX, default 0).")
    var generatorIndex: String?

    @Option(help: "How many generators share the targets' addresses with --targets-per-generator (env FLOWTEST_GENERATOR_COUNT, default 1).")
    var generatorCount: String?

    @Option(help: "A file in /etc/hosts format that answers first for the names it lists, read again at every lookup; other names go to the system resolver (env FLOWTEST_HOSTS_FILE, default none). For machines without the cluster's DNS.")
    var hostsFile: String?

    @Option(help: "New flows per second (env FLOWTEST_RATE, default 10).")
    var rate: String?

    @Option(help: "Maximum flows open at once (env FLOWTEST_MAX_CONCURRENT, default 100).")
    var maxConcurrent: String?

    @Option(name: .customLong("protocol"), help: "tcp, udp or both (env FLOWTEST_PROTOCOL, default both).")
    var flowProtocol: String?

    @Option(help: "Comma-separated TCP ports of the target (env FLOWTEST_TCP_PORTS, default 8080).")
    var tcpPorts: String?

    @Option(help: "Comma-separated UDP ports of the target (env FLOWTEST_UDP_PORTS, default 8080).")
    var udpPorts: String?

    @Option(help: "Shortest flow lifetime in the random pattern, e.g. 1s or 500ms (env FLOWTEST_MIN_DURATION, default 1s).")
    var minDuration: String?

    @Option(help: "Longest flow lifetime in the random pattern (env FLOWTEST_MAX_DURATION, default 10s).")
    var maxDuration: String?

    @Option(help: "constant, random, or continuous (long-lived flows that measure every outage) (env FLOWTEST_PATTERN, default random).")
    var pattern: String?

    @Option(help: "Stop after this long; 0 runs until stopped (env FLOWTEST_TIME_LIMIT, default 0).")
    var timeLimit: String?

    @Option(help: "Stop after starting this many flows (arrivals skipped at --max-concurrent do not count); 0 means no limit (env FLOWTEST_FLOW_COUNT, default 0).")
    var flowCount: String?

    @Option(help: "Fixed message size in bytes (env FLOWTEST_PAYLOAD_SIZE, default 64).")
    var payloadSize: String?

    @Option(help: "Smallest message size when sizes vary (env FLOWTEST_MIN_PAYLOAD_SIZE).")
    var minPayloadSize: String?

    @Option(help: "Largest message size when sizes vary (env FLOWTEST_MAX_PAYLOAD_SIZE).")
    var maxPayloadSize: String?

    @Option(help: "Path MTU in bytes; UDP payloads must fit it unless --allow-fragmentation (env FLOWTEST_MTU, default 1500).")
    var mtu: String?

    @Option(help: "TCP maximum segment size applied with TCP_MAXSEG (env FLOWTEST_MSS, default: the kernel's).")
    var mss: String?

    @Option(help: "Pause between messages in a flow; 0 sends the next as soon as the echo is back (env FLOWTEST_MESSAGE_INTERVAL, default 10ms for --pattern continuous, else 100ms).")
    var messageInterval: String?

    @Option(help: "Seed of the random pattern and payload sizes, for a reproducible run (env FLOWTEST_SEED, default random).")
    var seed: String?

    @Option(help: "How long a TCP connect may take (env FLOWTEST_CONNECT_TIMEOUT, default 5s).")
    var connectTimeout: String?

    @Option(help: "How long to wait for an echo before a TCP flow fails or a UDP datagram counts as lost (env FLOWTEST_RESPONSE_TIMEOUT, default 2s).")
    var responseTimeout: String?

    @Option(help: "Continuous pattern: how long a TCP flow waits for an overdue echo before it reconnects (env FLOWTEST_STALL_TIMEOUT, default 1s).")
    var stallTimeout: String?

    @Option(help: "Continuous pattern: new short connections (connect, one exchange, close) per second next to the long-lived flows, measured as a timeline of their own; 0 turns them off (env FLOWTEST_NEW_CONNECTION_RATE, default 10 for --pattern continuous).")
    var newConnectionRate: String?

    @Option(help: "Most bytes the time series in this generator's status report may take; the controller shares 200 KiB among the test's generators (env FLOWTEST_TIMELINE_BYTES, default 16384).")
    var timelineBytes: String?

    @Option(help: "Traffic patterns and their shares, as spec.flows.mix in JSON or YAML flow style, e.g. '[{pattern: web, weight: 3}, {pattern: dns, weight: 1}]'; each flow's protocol, port, sizes and exchanges come from its pattern (env FLOWTEST_MIX, default none).")
    var mix: String?

    @Option(help: "DiffServ code point of every flow packet, 0-63 or a class name such as EF, AF41, CS1 (env FLOWTEST_DSCP, default: none).")
    var dscp: String?

    @Option(help: "SciTags EXPERIMENT:ACTIVITY written into the IPv6 flow label of every flow, e.g. 65:2 (env FLOWTEST_SCITAG, default: none).")
    var scitag: String?

    @Option(help: "Send a SciTags firefly at each flow's start and end to this UDP port of its destination, e.g. 10514 (env FLOWTEST_FIREFLY_PORT, default: none). Needs --scitag.")
    var fireflyPort: String?

    @Option(help: "Send every firefly to this collector host:port too (env FLOWTEST_FIREFLY_COLLECTOR). Needs --scitag.")
    var fireflyCollector: String?

    @Flag(help: "Allow UDP payloads larger than the MTU (sent fragmented) (env FLOWTEST_ALLOW_FRAGMENTATION).")
    var allowFragmentation = false

    @Flag(help: "Latency mode: the event loops poll for 200 µs after each event instead of sleeping, for the lowest round-trip times, at the cost of CPU (env FLOWTEST_DEDICATED_THREADS).")
    var dedicatedThreads = false

    @Flag(help: "Print one progress line per second to stderr (env FLOWTEST_MONITOR).")
    var monitor = false
}
