import FlowTestShared
import Synchronization

/// All statistics of a generator run: one shard per event loop plus the open-flow gauges.
final class GeneratorStatistics: Sendable {
    let shards: [FlowStatisticsShard]
    /// Whether the flows measure outages (the continuous pattern); snapshots then carry them.
    let measuresOutages: Bool
    /// The established timeline's resolution: the message interval.
    let outageResolution: Duration
    /// With new-connection probes: their rate, their timeline's resolution and interval limit.
    let newConnections: ProbeSettings?
    /// The run's one reading of both clocks, for outage times.
    let clock = WallClockAnchor()
    private let activeTCP = Atomic<Int>(0)
    private let activeUDP = Atomic<Int>(0)
    private let peakActive = Atomic<Int>(0)
    private let skipped = Atomic<UInt64>(0)
    private let unsettled = Atomic<Int>(0)
    /// Labels refused and fireflies sent; reported only when the run marks its flows.
    let marking = MarkingCounters()
    let marks: Bool

    /// The traffic mix's pattern names, by slot; empty without a mix.
    let patternNames: [String]

    /// The statistics of a run of `configuration` over `shardCount` event loops.
    convenience init(configuration: GeneratorConfiguration, shardCount: Int) {
        let continuous = configuration.pattern == .continuous
        self.init(
            shardCount: shardCount, measuresOutages: continuous, marks: configuration.marking.isEnabled,
            patternNames: configuration.trafficMix?.patternNames ?? [], outageResolution: configuration.messageInterval,
            newConnections: ProbeSettings(configuration))
    }

    init(
        shardCount: Int, measuresOutages: Bool = false, marks: Bool = false, patternNames: [String] = [],
        outageResolution: Duration = .milliseconds(10), newConnections: ProbeSettings? = nil
    ) {
        self.measuresOutages = measuresOutages
        self.outageResolution = outageResolution
        self.newConnections = newConnections
        self.marks = marks
        self.patternNames = patternNames
        shards = (0..<max(1, shardCount)).map { _ in FlowStatisticsShard(patternCount: patternNames.count) }
    }

    /// Counts a flow as open from the moment it is launched until its lifetime ends or it fails,
    /// and as unsettled until its statistics are recorded.
    func flowOpened(_ transport: Transport) {
        unsettled.wrappingAdd(1, ordering: .relaxed)
        // Atomics cannot be picked with `?:` (they are not copyable), hence the branches.
        if transport == .tcp { activeTCP.wrappingAdd(1, ordering: .relaxed) } else { activeUDP.wrappingAdd(1, ordering: .relaxed) }
        peakActive.max(activeFlows, ordering: .relaxed)
    }

    /// Counts a flow as no longer open.
    func flowClosed(_ transport: Transport) {
        if transport == .tcp {
            activeTCP.wrappingSubtract(1, ordering: .relaxed)
        } else {
            activeUDP.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    /// Counts a flow's statistics as recorded; a UDP flow settles after draining late echoes.
    func flowSettled() {
        unsettled.wrappingSubtract(1, ordering: .releasing)
    }

    /// Flows launched whose statistics are not recorded yet.
    var unsettledFlows: Int {
        unsettled.load(ordering: .acquiring)
    }

    /// Counts an arrival that found `maxConcurrent` flows open (`ConcurrencyLimit`).
    func flowSkipped() {
        skipped.wrappingAdd(1, ordering: .relaxed)
    }

    /// Flows open right now, both transports.
    var activeFlows: Int {
        activeTCP.load(ordering: .relaxed) + activeUDP.load(ordering: .relaxed)
    }

    /// The outages so far with up to `limit` intervals: more than a report to the status can
    /// carry, for the JSON summary on stdout. Nil outside the continuous pattern.
    func disruption(intervalLimit limit: Int) -> DisruptionSummary? {
        guard measuresOutages else { return nil }
        let states = shards.map { $0.read() }
        return disruption(states, limit: limit, newConnectionLimit: limit)
    }

    /// Both timelines of the shards' `states`, each with its resolution.
    /// `newConnectionLimit` nil: the generator's share of the status.
    private func disruption(_ states: [FlowStatisticsShard.State], limit: Int, newConnectionLimit: Int?) -> DisruptionSummary {
        let now = clock.unixNanoseconds(.now())
        var summary = DisruptionLog.summary(states.map(\.disruption), now: now, limit: limit)
        summary.resolutionMilliseconds = outageResolution.seconds * 1000
        if let newConnections {
            summary.newConnections = NewConnectionLog.summary(
                states.map(\.newConnections), now: now, settings: newConnections, limit: newConnectionLimit ?? newConnections.intervalLimit)
        }
        return summary
    }

    /// Merges every shard into one snapshot.
    func snapshot() -> GeneratorSnapshot {
        var snapshot = GeneratorSnapshot()
        var states: [FlowStatisticsShard.State] = []
        for shard in shards {
            let state = shard.read()
            if measuresOutages { states.append(state) }
            for transport in Transport.allCases {
                snapshot.counters[transport] += state.counters[transport]
                snapshot.roundTrips[transport].add(state.roundTrips[transport])
                snapshot.prometheusRoundTrips[transport] += state.prometheusRoundTrips[transport]
            }
            for (slot, tally) in state.patterns.enumerated() { snapshot.patterns[patternNames[slot], default: PatternTally()] += tally }
        }
        snapshot.activeFlows = PerTransport(tcp: activeTCP.load(ordering: .relaxed), udp: activeUDP.load(ordering: .relaxed))
        snapshot.peakActiveFlows = peakActive.load(ordering: .relaxed)
        snapshot.flowsSkipped = skipped.load(ordering: .relaxed)
        if marks { snapshot.marking = marking.counts }
        if measuresOutages {
            snapshot.disruption = disruption(
                states, limit: DisruptionSummary.agentIntervalLimit, newConnectionLimit: nil)
        }
        return snapshot
    }
}
