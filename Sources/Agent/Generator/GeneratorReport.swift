import FlowTestShared
import Foundation
import Histogram

/// The JSON summary a generator prints on stdout when it ends (pipe it to `jq`).
struct GeneratorReport: Codable, Sendable {
    /// The figures of one transport, or of both together.
    struct Figures: Codable, Sendable {
        var counters: TrafficCounters
        var rttMilliseconds: LatencySummary
        var udpLossRatio: Double
        var udpJitterMilliseconds: Double
        /// Payload bits per second, sent and received together, over the whole run.
        var throughputBitsPerSecond: Double
    }

    /// With a traffic mix: one pattern's figures. Loss and jitter are in `counters` (`udpLost`,
    /// `udpJitterSecondsSum` over `udpJitterFlows`) and apply to the pattern's UDP flows only.
    struct Pattern: Codable, Sendable {
        var counters: TrafficCounters
        var rttMilliseconds: LatencySummary
        /// Mean RFC 3550 jitter of the pattern's UDP flows; nil without any to measure.
        var udpJitterMilliseconds: Double?
        var throughputBitsPerSecond: Double
    }

    /// How evenly flows were started: flows per whole second, first and last partial second excluded.
    struct StartRate: Codable, Sendable {
        var target: Double
        /// (flows started − 1) / time from the first to the last start.
        var achieved: Double
        var minPerSecond: UInt64?
        var maxPerSecond: UInt64?
        var fullSeconds: Int
    }

    var role = "generator"
    var target: String
    var pattern: FlowPattern
    var flowProtocol: FlowProtocol
    var seed: UInt64
    var startTime: Date
    var elapsedSeconds: Double
    var startRate: StartRate
    var maxConcurrent: Int
    var peakActiveFlows: Int
    var flowsSkipped: UInt64
    var total: Figures
    var tcp: Figures?
    var udp: Figures?
    /// With a traffic mix: each pattern's figures, by pattern name.
    var patterns: [String: Pattern]?
    /// Continuous pattern: every outage, joined into intervals (the `intervalLimit` longest).
    var disruption: DisruptionSummary?
    /// With --flow-log: the records written, and any dropped because the writer fell behind.
    var flowLog: FlowLogWriter.Counts?
    /// With marking: flow labels refused and fireflies sent.
    var marking: MarkingCounts?
    static let intervalLimit = 1000

    enum CodingKeys: String, CodingKey {
        case role, target, pattern, seed, startTime, elapsedSeconds, startRate, maxConcurrent, peakActiveFlows
        case flowsSkipped, total, tcp, udp, patterns, disruption, flowLog, marking
        case flowProtocol = "protocol"
    }

    init(configuration: GeneratorConfiguration, snapshot: GeneratorSnapshot, progress: RunProgress.Figures, startTime: Date) {
        let elapsed = max(progress.elapsed.seconds, 1e-9)
        // Loss and jitter are UDP figures even in the total: a ratio over TCP messages would dilute them.
        let udpCounters = snapshot.counters.udp
        func figures(_ counters: TrafficCounters, _ histogram: Histogram<UInt64>) -> Figures {
            Figures(
                counters: counters, rttMilliseconds: LatencySummary(nanoseconds: histogram),
                udpLossRatio: udpCounters.udpLossRatio, udpJitterMilliseconds: udpCounters.udpMeanJitterSeconds * 1000,
                throughputBitsPerSecond: Double(counters.bytesSent + counters.bytesReceived) * 8 / elapsed)
        }
        target = configuration.target
        pattern = configuration.pattern
        flowProtocol = configuration.flowProtocol
        seed = configuration.seed
        self.startTime = startTime
        elapsedSeconds = elapsed
        maxConcurrent = configuration.maxConcurrent
        peakActiveFlows = snapshot.peakActiveFlows
        flowsSkipped = snapshot.flowsSkipped
        total = figures(snapshot.total, snapshot.allRoundTrips)
        tcp = configuration.flowProtocol.includesTCP ? figures(snapshot.counters.tcp, snapshot.roundTrips.tcp) : nil
        udp = configuration.flowProtocol.includesUDP ? figures(snapshot.counters.udp, snapshot.roundTrips.udp) : nil
        if !snapshot.patterns.isEmpty {
            patterns = snapshot.patterns.mapValues { tally in
                Pattern(
                    counters: tally.counters, rttMilliseconds: LatencySummary(nanoseconds: tally.roundTrips),
                    udpJitterMilliseconds: tally.counters.udpJitterFlows > 0 ? tally.counters.udpMeanJitterSeconds * 1000 : nil,
                    throughputBitsPerSecond: Double(tally.counters.bytesSent + tally.counters.bytesReceived) * 8 / elapsed)
            }
        }
        disruption = snapshot.disruption
        marking = snapshot.marking
        let started = snapshot.total.flowsStarted + snapshot.flowsSkipped
        let span = progress.lastStart.seconds
        // Whole seconds only: the last second is partial, the first fully inside the run.
        let fullSeconds = progress.startsPerSecond.dropLast()
        startRate = StartRate(
            target: configuration.rate,
            achieved: started > 1 && span > 0 ? Double(started - 1) / span : 0,
            minPerSecond: fullSeconds.min(), maxPerSecond: fullSeconds.max(), fullSeconds: fullSeconds.count)
    }

    /// The report as one line of JSON with sorted keys.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
