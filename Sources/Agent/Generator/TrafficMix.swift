import FlowTestProtocols
import FlowTestShared

/// The kinds of flow a run's traffic mix makes, and how often each is drawn.
struct TrafficMix: Sendable {
    let kinds: [TrafficKind]
    /// The mix entries' pattern names, each once, in order: the per-pattern figures' labels.
    let patternNames: [String]
    private let choice: WeightedChoice

    /// The mix of `rules`; nil fields take `payload` (the run's message sizes). Built-in
    /// patterns speak their protocols with `names`.
    init(_ rules: [TrafficRule], payload: PayloadSize, names protocolNames: ProtocolNames = .defaults) {
        var names: [String] = []
        for rule in rules where !names.contains(rule.pattern) { names.append(rule.pattern) }
        patternNames = names
        kinds = rules.map { rule in
            TrafficKind(
                patternSlot: names.firstIndex(of: rule.pattern), transport: rule.transport, ports: rule.ports?.map { Int($0) },
                request: rule.requestSize.map(PayloadSize.init) ?? payload, response: rule.responseSize.map(PayloadSize.init),
                messages: rule.messages.map { Int($0.min)...Int($0.max) }, protocols: Self.protocols(of: rule),
                names: ProtocolNames(
                    host: rule.host ?? protocolNames.host, path: rule.path ?? protocolNames.path, dnsName: rule.dnsName ?? protocolNames.dnsName))
        }
        // Weights in thousandths, so ftp's halves of a weight-1 entry stay exact.
        choice = WeightedChoice(rules.map { UInt64(($0.weight * 1000).rounded()) })
    }

    /// The protocol a rule's flows speak on each of its ports, chosen by the port the spec named
    /// there; a transport the protocol does not run over (web given `protocol: udp`) speaks none.
    static func protocols(of rule: TrafficRule) -> [Int: WireProtocol] {
        guard let ports = rule.ports else { return [:] }
        var protocols: [Int: WireProtocol] = [:]
        for (port, named) in zip(ports, rule.protocolPorts ?? ports) {
            guard let wire = WireProtocol.of(pattern: rule.pattern, port: Int(named)), rule.transport == .tcp || wire == .dns else { continue }
            protocols[Int(port)] = wire
        }
        return protocols
    }

    /// A kind drawn by weight from one random number.
    func pick(_ random: UInt64) -> Int {
        choice.pick(random)
    }
}

extension PayloadSize {
    /// A fixed size when the range holds one value, otherwise uniform over it.
    init(_ range: SizeRange) {
        self = range.min == range.max ? .fixed(Int(range.min)) : .range(min: Int(range.min), max: Int(range.max))
    }
}
