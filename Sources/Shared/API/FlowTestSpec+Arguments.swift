import Foundation

extension FlowTestSpec {
    /// The `flowtest-agent generate` flags that run this spec's flows against `target`: exactly
    /// what a human would type, what the controller puts in generator pods, and what local mode
    /// parses, so the three can never disagree. `seedOffset` gives each replica its own stream.
    public func generatorArguments(target: String, tcpPorts: [Int64]? = nil, udpPorts: [Int64]? = nil, seedOffset: Int64 = 0) -> [String] {
        let list = { (ports: [Int64]) in ports.map(String.init).joined(separator: ",") }
        var arguments = [
            "--target", target,
            "--protocol", flows.protocol.rawValue,
            "--pattern", flows.pattern.rawValue,
            "--rate", String(flows.rate),
            "--max-concurrent", String(flows.maxConcurrent),
            "--tcp-ports", list(tcpPorts ?? ports.tcp),
            "--udp-ports", list(udpPorts ?? ports.udp),
            "--min-duration", flows.minDuration,
            "--max-duration", flows.maxDuration,
            "--time-limit", duration,
            "--mtu", String(flows.mtu),
            "--connect-timeout", flows.connectTimeout,
            "--response-timeout", flows.responseTimeout,
            "--stall-timeout", flows.stallTimeout,
            // Every generator's series share the status: more generators, fewer bytes each.
            "--timeline-bytes", String(TimeSeries.byteLimit(generators: generators.replicas)),
        ]
        if let interval = flows.messageInterval { arguments += ["--message-interval", interval] }
        if let rate = flows.newConnectionRate { arguments += ["--new-connection-rate", String(rate)] }
        if let flowCount { arguments += ["--flow-count", String(flowCount)] }
        if let size = flows.payload.size {
            arguments += ["--payload-size", String(size)]
        } else if let minimum = flows.payload.minSize, let maximum = flows.payload.maxSize {
            arguments += ["--min-payload-size", String(minimum), "--max-payload-size", String(maximum)]
        }
        if let mss = flows.mss { arguments += ["--mss", String(mss)] }
        if let seed = flows.seed { arguments += ["--seed", String(seed &+ seedOffset)] }
        if flows.allowFragmentation { arguments.append("--allow-fragmentation") }
        if let mix = flows.mix { arguments += ["--mix", Self.mixText(mix)] }
        if flows.dedicatedThreads { arguments.append("--dedicated-threads") }
        if let marking = flows.marking {
            if let dscp = marking.dscp { arguments += ["--dscp", dscp.text] }
            if let scitag = marking.scitag { arguments += ["--scitag", scitag.description] }
            if let fireflies = marking.fireflies {
                if fireflies.toDestination { arguments += ["--firefly-port", String(fireflies.port)] }
                if let collector = fireflies.collector { arguments += ["--firefly-collector", collector] }
            }
        }
        return arguments
    }

    /// Pods mode's generator flags: the target is the headless Service's name, which stands for
    /// every ready echo pod (`--every-address`), and with `target.peersPerGenerator` generator
    /// `index` dials its window of them. A handful of flags whatever the number of echo pods
    /// (DESIGN.md, decision 7); none in the other modes.
    public func podsModeArguments(generatorIndex index: Int64) -> [String] {
        guard target.mode == .pods else { return [] }
        guard let peers = target.peersPerGenerator else { return ["--every-address"] }
        return [
            "--every-address", "--targets-per-generator", String(peers),
            "--generator-index", String(index), "--generator-count", String(generators.replicas),
        ]
    }

    /// The mix as `--mix` takes it: compact JSON, keys sorted, so the same spec gives the same pod.
    static func mixText(_ mix: [TrafficMixEntry]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(mix)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// The ports the echo servers listen on and the Service exposes: the test's ports, then every
    /// port the mix's patterns add, each once, in order.
    public var echoPorts: PerTransport<[Int64]> {
        var result = PerTransport(tcp: ports.tcp, udp: ports.udp)
        for rule in (flows.mix ?? []).flatMap(\.rules) {
            guard let ports = rule.ports else { continue }
            let transports: [Transport] = rule.transport.map { [$0] } ?? flows.protocol.transports
            for transport in transports {
                for port in ports where !result[transport].contains(port) { result[transport].append(port) }
            }
        }
        return result
    }

    /// The `flowtest-agent echo` flags for this spec's ports and the marks it checks on arrival.
    public func echoArguments() -> [String] {
        let ports = echoPorts
        var arguments = [
            "--tcp-ports", ports.tcp.map(String.init).joined(separator: ","), "--udp-ports", ports.udp.map(String.init).joined(separator: ","),
        ]
        if let marking = flows.marking {
            if let dscp = marking.dscp { arguments += ["--dscp", dscp.text] }
            if let scitag = marking.scitag { arguments += ["--scitag", scitag.description] }
            if let fireflies = marking.fireflies, fireflies.toDestination { arguments += ["--firefly-port", String(fireflies.port)] }
        }
        if flows.dedicatedThreads { arguments.append("--dedicated-threads") }
        return arguments
    }
}
