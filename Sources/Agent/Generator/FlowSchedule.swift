import Foundation
import FlowTestShared

/// Produces the sequence of flows a run starts: a pure function of the configuration and seed.
///
/// Kept free of clocks and sockets so that rate, lifetimes and reproducibility are unit-testable.
struct FlowSchedule: Sendable, Sequence, IteratorProtocol {
    private let pattern: FlowPattern
    private let rate: Double
    private let constantLifetime: Duration
    private let lifetimeRange: ClosedRange<Double>
    private let transports: [Transport]
    private let tcpPorts: [Int]
    private let udpPorts: [Int]
    /// Continuous pattern: how many flows there are, and how long the run is.
    private let flowLimit: UInt64?
    private let runLength: Duration
    private var random: SeededRandomNumberGenerator
    private var index: UInt64 = 0
    private var randomClock: Double = 0
    private var portCursor: [Transport: Int] = [:]
    /// With a mix: the kinds, and how far each kind with its own ports has turned through them.
    private let mix: TrafficMix?
    private var kindCursor: [Int: Int] = [:]
    private var kindTransportTurn: UInt64 = 0

    init(
        pattern: FlowPattern, rate: Double, maxConcurrent: Int, minDuration: Duration, maxDuration: Duration,
        protocol flowProtocol: FlowProtocol, tcpPorts: [Int], udpPorts: [Int], seed: UInt64,
        runLength: Duration? = nil, mix: TrafficMix? = nil
    ) {
        self.mix = mix
        self.flowLimit = pattern == .continuous ? UInt64(maxConcurrent) : nil
        self.runLength = runLength ?? .seconds(3600)
        self.pattern = pattern
        self.rate = rate
        // Decision 2: a constant flow lives maxConcurrent/rate, so exactly maxConcurrent overlap.
        self.constantLifetime = .seconds(Double(maxConcurrent) / rate)
        self.lifetimeRange = minDuration.seconds...maxDuration.seconds
        self.transports = flowProtocol.transports
        self.tcpPorts = tcpPorts
        self.udpPorts = udpPorts
        self.random = SeededRandomNumberGenerator(seed: seed)
    }

    mutating func next() -> ScheduledFlow? {
        if let flowLimit, index >= flowLimit { return nil }
        defer { index += 1 }
        let start: Duration
        let lifetime: Duration
        switch pattern {
        case .constant:
            // Computed from the index, never accumulated, so rounding cannot drift the rate.
            start = .seconds(Double(index) / rate)
            lifetime = constantLifetime
        case .continuous:
            // Opened at `rate` per second (so a thousand flows do not all connect in one
            // instant), then each lives until the end of the run.
            start = .seconds(Double(index) / rate)
            lifetime = Swift.max(.zero, runLength - start)
        case .random:
            // Poisson arrivals: exponential gaps with mean 1/rate.
            let uniform = Double.random(in: Double.ulpOfOne..<1, using: &random)
            if index > 0 { randomClock += -Foundation.log(uniform) / rate }
            start = .seconds(randomClock)
            lifetime = .seconds(Double.random(in: lifetimeRange, using: &random))
        }
        if let mix { return mixed(mix, start: start, lifetime: lifetime) }
        // Transports alternate, so `both` gives TCP and UDP the same share of the rate.
        let transport = transports[Int(index % UInt64(transports.count))]
        let ports = transport == .tcp ? tcpPorts : udpPorts
        let cursor = portCursor[transport, default: 0]
        portCursor[transport] = cursor + 1
        // Ports turn fastest, then targets: every (target, port) pair gets the same share of each
        // transport's flows, whatever the counts (a plain index modulo each would leave pairs out).
        // The target is a turn, taken modulo the addresses there are when the flow starts: a
        // headless Service's grow and shrink as echo pods come and go.
        return ScheduledFlow(
            index: index, start: start, lifetime: lifetime, transport: transport,
            port: ports[cursor % ports.count], target: cursor / ports.count)
    }

    /// A flow of the mix: its kind drawn by weight, then its transport and port from the kind,
    /// the kind's own ports in turn (each target in turn after them, as without a mix).
    private mutating func mixed(_ mix: TrafficMix, start: Duration, lifetime: Duration) -> ScheduledFlow {
        let kindIndex = mix.pick(random.next())
        let kind = mix.kinds[kindIndex]
        let transport: Transport
        if let fixed = kind.transport {
            transport = fixed
        } else {
            transport = transports[Int(kindTransportTurn % UInt64(transports.count))]
            kindTransportTurn += 1
        }
        let ports = kind.ports ?? (transport == .tcp ? tcpPorts : udpPorts)
        let cursor = kindCursor[kindIndex, default: 0]
        kindCursor[kindIndex] = cursor + 1
        return ScheduledFlow(
            index: index, start: start, lifetime: lifetime, transport: transport, port: ports[cursor % ports.count],
            target: cursor / ports.count, kind: kindIndex)
    }
}
