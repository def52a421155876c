import FlowTestProtocols
import FlowTestShared

/// Everything a generator run needs, validated: built from flags and environment by `resolve`,
/// and by local mode from a FlowTest spec.
struct GeneratorConfiguration: Equatable, Sendable {
    /// One or more hosts; flows are spread over every target and every port (a full mesh).
    var targets = ["localhost"]
    /// Each target name stands for every address it resolves to (Pods mode's headless Service).
    var everyAddress = false
    /// Dial only a window of the addresses (`--targets-per-generator`); nil: all of them.
    var peerWindow: PeerWindow?
    /// Answers first for the names it lists (`--hosts-file`); nil: the system resolver only.
    var hostsFile: String?
    var rate = 10.0
    var maxConcurrent = 100
    var flowProtocol = FlowProtocol.both
    var tcpPorts = [8080]
    var udpPorts = [8080]
    var minDuration = Duration.seconds(1)
    var maxDuration = Duration.seconds(10)
    var pattern = FlowPattern.random
    /// Nil runs until stopped.
    var timeLimit: Duration?
    /// Nil starts flows until stopped.
    var flowCount: UInt64?
    var payload = PayloadSize.fixed(64)
    var mtu = 1500
    /// Nil leaves the kernel's MSS alone.
    var mss: Int?
    var messageInterval = Duration.milliseconds(100)
    var seed: UInt64 = 0
    var allowFragmentation = false
    var connectTimeout = Duration.seconds(5)
    var responseTimeout = Duration.seconds(2)
    /// Continuous pattern: an overdue echo after this long means the connection is given up.
    var stallTimeout = Duration.seconds(1)
    /// Continuous pattern: new short connections probed per second next to the long-lived flows;
    /// nil probes none (and always outside the continuous pattern).
    var newConnectionRate: Double?
    /// The traffic mix's rules, built-in patterns filled in; nil: every flow alike.
    var mix: [TrafficRule]?
    /// Latency mode: the data plane's loops poll after each event (`LatencyMode`).
    var dedicatedThreads = false
    var monitor = false
    /// Most bytes the time series may take in a report: the status is shared by every generator.
    var timelineBytes = TimeSeries.textLimit
    /// DSCP, SciTag and fireflies of every flow; empty marks nothing.
    var marking = FlowMarking()

    /// HTTP Host and path, TLS SNI and DNS name of the built-in patterns' flows.
    var protocolNames = ProtocolNames.defaults

    /// The mix the data plane draws from; nil without one.
    var trafficMix: TrafficMix? { mix.map { TrafficMix($0, payload: payload, names: protocolNames) } }

    /// The kinds of flow the run makes: the mix's, or one kind of the run's payload.
    var trafficKinds: [TrafficKind] { trafficMix?.kinds ?? [.plain(payload)] }

    /// Sends the mix's flows to the ports the echo really bound (local mode's `--any-ports`):
    /// `map` takes each port the spec names to the bound one.
    mutating func remapMixPorts(_ map: PerTransport<[Int: Int]>) {
        mix = mix?.map { rule in
            var rule = rule
            let ports = map[rule.transport ?? .tcp]
            rule.protocolPorts = rule.protocolPorts ?? rule.ports
            rule.ports = rule.ports?.map { Int64(ports[Int($0)] ?? Int($0)) }
            return rule
        }
    }

    /// The targets as given: `host` or `host1,host2`.
    var target: String { targets.joined(separator: ",") }

    /// Largest UDP payload that fits the MTU without fragmentation: MTU − IP header − 8-byte UDP
    /// header, with a 20-byte IPv4 or 40-byte IPv6 header.
    static func udpPayloadLimit(mtu: Int, ipv6: Bool) -> Int {
        mtu - (ipv6 ? 40 : 20) - 8
    }
}
