import FlowTestDataPlane
import FlowTestShared
import Synchronization

/// Live counters of one echo listener, updated from the event loops with relaxed atomics: its
/// own for NIO's and the threads' paths, and the data plane's per-loop shards, summed when read.
final class EchoListenerCounters: Sendable {
    let transport: Transport
    private let boundPort = Atomic<Int>(0)
    let connectionsAccepted = Atomic<UInt64>(0)
    let connectionsActive = Atomic<Int>(0)
    let connectionsRefused = Atomic<UInt64>(0)
    let connectionsTimedOut = Atomic<UInt64>(0)
    let bytesReceived = Atomic<UInt64>(0)
    let bytesSent = Atomic<UInt64>(0)
    let datagramsReceived = Atomic<UInt64>(0)
    let datagramsSent = Atomic<UInt64>(0)
    /// Traffic patterns' requests answered with the response size they asked for.
    let sizedResponses = Atomic<UInt64>(0)
    /// Sized requests refused for a broken header or an impossible size (the peer's bytes).
    let malformedRequests = Atomic<UInt64>(0)
    /// Whether this listener judges the marks of arrivals; only then are the next three reported.
    let judgesMarks: Bool
    let marked = Atomic<UInt64>(0)
    let remarked = Atomic<UInt64>(0)
    let unmarked = Atomic<UInt64>(0)

    /// The data plane's per-loop counters of this listener's sockets.
    private let shards = Mutex<[EchoCounterShard]>([])

    /// The port whose protocol the listener's server speaks first on each connection (MySQL's
    /// greeting on 3306, SMTP's on 25): the one the FlowTest names, whatever was bound.
    let protocolPort: Int?

    init(transport: Transport, judgesMarks: Bool = false, protocolPort: Int? = nil) {
        self.transport = transport
        self.judgesMarks = judgesMarks
        self.protocolPort = protocolPort
    }

    /// Counts one arrival judged against the expected marks.
    func count(_ outcome: MarkExpectation.Outcome) {
        switch outcome {
        case .marked: marked.wrappingAdd(1, ordering: .relaxed)
        case .remarked: remarked.wrappingAdd(1, ordering: .relaxed)
        case .unmarked: unmarked.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// The port actually bound (the configured one, or the one the kernel picked for port 0).
    var port: Int {
        get { boundPort.load(ordering: .relaxed) }
    }

    /// Records the bound port; called once, right after binding.
    func bound(to port: Int) {
        boundPort.store(port, ordering: .relaxed)
    }

    /// Adds the data plane's counters of one more socket group of this listener.
    func attach(_ more: [EchoCounterShard]) {
        shards.withLock { $0 += more }
    }

    /// The counters' values now.
    func read() -> EchoListenerStatistics {
        var total = EchoCounterValues(
            connectionsAccepted: connectionsAccepted.load(ordering: .relaxed), connectionsActive: connectionsActive.load(ordering: .relaxed),
            connectionsRefused: connectionsRefused.load(ordering: .relaxed), connectionsTimedOut: connectionsTimedOut.load(ordering: .relaxed),
            bytesReceived: bytesReceived.load(ordering: .relaxed), bytesSent: bytesSent.load(ordering: .relaxed),
            datagramsReceived: datagramsReceived.load(ordering: .relaxed), datagramsSent: datagramsSent.load(ordering: .relaxed),
            sizedResponses: sizedResponses.load(ordering: .relaxed), malformedRequests: malformedRequests.load(ordering: .relaxed))
        for shard in shards.withLock({ $0 }) { total.add(shard.values()) }
        var statistics = EchoListenerStatistics(
            protocol: transport, port: port, connectionsAccepted: total.connectionsAccepted, connectionsActive: total.connectionsActive,
            connectionsRefused: total.connectionsRefused, connectionsTimedOut: total.connectionsTimedOut,
            bytesReceived: total.bytesReceived, bytesSent: total.bytesSent, datagramsReceived: total.datagramsReceived,
            datagramsSent: total.datagramsSent, sizedResponses: total.sizedResponses, malformedRequests: total.malformedRequests)
        if judgesMarks {
            statistics.marking = MarkTally(
                marked: marked.load(ordering: .relaxed), remarked: remarked.load(ordering: .relaxed), unmarked: unmarked.load(ordering: .relaxed))
        }
        return statistics
    }
}
