import FlowTestShared

/// The destinations new-connection probes take turns over: transports alternate, then ports turn
/// fastest, then targets, the order the flows take (`FlowSchedule`), so every (target, port) pair
/// of each transport is probed as often as the others.
struct ProbeDestinations: Sendable {
    /// One probe's destination: a transport, a port, and a target address by turn.
    struct Destination: Equatable, Sendable {
        var transport: Transport
        var port: Int
        var target: Int
    }

    private let transports: [Transport]
    private let ports: PerTransport<[Int]>
    private let targetCount: Int
    private var turn = 0
    private var cursors = PerTransport(repeating: 0)

    init(transports: [Transport], tcpPorts: [Int], udpPorts: [Int], targetCount: Int) {
        self.transports = transports
        self.ports = PerTransport(tcp: tcpPorts, udp: udpPorts)
        self.targetCount = max(1, targetCount)
    }

    init(_ configuration: GeneratorConfiguration) {
        self.init(
            transports: configuration.flowProtocol.transports, tcpPorts: configuration.tcpPorts, udpPorts: configuration.udpPorts,
            targetCount: configuration.targets.count)
    }

    /// The next probe's destination.
    mutating func next() -> Destination {
        let transport = transports[turn % transports.count]
        turn += 1
        let cursor = cursors[transport]
        cursors[transport] = cursor + 1
        let list = ports[transport]
        // The target is a turn, as a flow's: the prober takes it modulo the addresses there are
        // (a headless Service's change as echo pods come and go).
        return Destination(transport: transport, port: list[cursor % list.count], target: cursor / list.count)
    }

    /// Time between two probes to one destination at `rate` probes per second: the resolution of
    /// the new-connection timeline. With several destinations it is coarser than 1/rate; with
    /// transports that have different numbers of ports, the coarsest one's is stated.
    func resolution(rate: Double) -> Duration {
        let turns = transports.map { Double(transports.count * ports[$0].count * targetCount) }.max() ?? 1
        return .seconds(turns / rate)
    }
}
