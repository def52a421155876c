import FlowTestShared
import Logging
import NIOCore
import Synchronization

/// What every flow of a run shares: settings, statistics, metrics and the payload bytes.
///
/// A class, so each open flow's handler holds one reference to it rather than its own 80-byte copy.
final class FlowEnvironment: Sendable {
    let statistics: GeneratorStatistics
    let metrics: GeneratorMetrics
    let payload: PayloadSize
    /// The kinds of flow the run makes, indexed by `ScheduledFlow.kind`.
    let kinds: [TrafficKind]
    let seed: UInt64
    /// Zero means the next message leaves as soon as the echo of the previous one is back.
    let messageInterval: TimeAmount
    let responseTimeout: TimeAmount
    /// The continuous pattern: flows reconnect, and record outages instead of failing.
    let continuous: Bool
    let stallTimeout: TimeAmount
    /// Filler bytes for message bodies, allocated once: each message sends a slice of it, so no
    /// payload is ever copied or built per message.
    let filler: ByteBuffer
    /// The same filler as raw memory, which data-plane sockets send slices of (freed with the
    /// environment, which every open flow holds).
    nonisolated(unsafe) let fillerBytes: UnsafeRawBufferPointer
    /// Where each flow's record goes when it ends; nil without a flow log.
    let flowLog: FlowRecorder?
    /// Labels IPv6 flows with the run's SciTag; nil without one.
    let labeller: FlowLabeller?
    /// Announces flows' starts and ends; nil without fireflies, so flows then skip it entirely.
    let fireflies: FireflySender?
    private let logger: Logger
    /// Protocol errors logged so far: the first few say why flows failed, the rest only count.
    private let protocolErrorsLogged = Atomic<Int>(0)

    init(
        configuration: GeneratorConfiguration, statistics: GeneratorStatistics, metrics: GeneratorMetrics, flowLog: FlowRecorder? = nil,
        logger: Logger = Logger(label: "flowtest.generator"), fireflies: FireflySender? = nil
    ) {
        self.labeller = configuration.marking.scitag.map {
            FlowLabeller(scitag: $0, seed: configuration.seed, counters: statistics.marking, logger: logger)
        }
        self.fireflies = fireflies
        self.logger = logger
        self.statistics = statistics
        self.metrics = metrics
        self.payload = configuration.payload
        self.kinds = configuration.trafficKinds
        self.seed = configuration.seed
        self.messageInterval = TimeAmount(configuration.messageInterval)
        self.responseTimeout = TimeAmount(configuration.responseTimeout)
        self.continuous = configuration.pattern == .continuous
        self.stallTimeout = TimeAmount(configuration.stallTimeout)
        self.flowLog = flowLog
        // A recognisable, non-zero pattern: an echo that zeroes or shifts bytes shows up in a capture.
        let largest = kinds.map(\.request.maximum).max() ?? configuration.payload.maximum
        self.filler = ByteBuffer(bytes: (0..<largest).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(largest, 1), alignment: 16)
        for index in 0..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        self.fillerBytes = UnsafeRawBufferPointer(bytes)
    }

    deinit {
        fillerBytes.deallocate()
    }

    /// Logs why a flow's peer broke its protocol (a real server's refusal, a proxy's error
    /// page), for the first few: the flows are counted as corrupted either way.
    func reportProtocolError(_ error: any Error) {
        let logged = protocolErrorsLogged.add(1, ordering: .relaxed).newValue
        guard logged <= 5 else { return }
        logger.warning("a flow's peer broke its protocol; the flow counts as corrupted", metadata: [
            "error": "\(error)", "note": "\(logged == 5 ? "further protocol errors are not logged" : "")",
        ])
    }

    /// The first `count` bytes of the filler.
    func fillerSlice(_ count: Int) -> ByteBuffer {
        filler.getSlice(at: filler.readerIndex, length: count)!
    }
}
