import FlowTestShared
import NIOCore

/// The UDP flows one echo listener has seen, one per source address and port, for the flow log.
///
/// UDP has no close, so a flow ends when its source has been silent for `idleTimeout`, when a
/// datagram from the same address and port carries another flow's FlowTest header (the kernel
/// gave a new flow the port again), or when the listener closes. Loop-bound: the listener's
/// handler is its only user, and only when the flow log is on.
final class EchoUDPFlowTable {
    private struct Flow {
        let start: NIODeadline
        var last: NIODeadline
        var flowID: UInt64?
        /// The echo's own address the datagrams came to (from IP_PKTINFO, which has no port), or
        /// the listener's.
        var serverAddress: String
        var serverPort: Int
        var bytesIn: UInt64 = 0
        var datagramsIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        var datagramsOut: UInt64 = 0
    }

    /// How long a source may be silent before its flow is over.
    static let idleTimeout = TimeAmount.seconds(10)

    private let recorder: FlowRecorder
    private var flows: [SocketAddress: Flow] = [:]
    private var sweep: RepeatedTask?

    init(recorder: FlowRecorder) {
        self.recorder = recorder
    }

    /// Starts the periodic check for silent sources on the listener's loop.
    func start(on loop: any EventLoop) {
        let table = NIOLoopBound(self, eventLoop: loop)
        sweep = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in table.value.endSilent() }
    }

    private func endSilent() {
        let cutoff = NIODeadline.now() - Self.idleTimeout
        for (client, flow) in flows where flow.last < cutoff { end(client, flow) }
    }

    /// Counts a datagram from `client` that arrived at `server`; `flowID` names its flow when
    /// its protocol said which it is (a DNS query's option) rather than a FlowTest header.
    func received(_ envelope: AddressedEnvelope<ByteBuffer>, listener: SocketAddress?, flowID named: UInt64? = nil) {
        let now = NIODeadline.now()
        let flowID = named ?? FlowHeader(peekingAt: envelope.data)?.flowID
        let client = envelope.remoteAddress
        if let known = flows[client], let flowID, let previous = known.flowID, previous != flowID { end(client, known) }
        let serverAddress = envelope.metadata?.packetInfo?.destinationAddress.ipAddress ?? listener?.ipAddress ?? ""
        flows[client, default: Flow(start: now, last: now, flowID: flowID, serverAddress: serverAddress, serverPort: listener?.port ?? 0)]
            .last = now
        flows[client]!.bytesIn += UInt64(envelope.data.readableBytes)
        flows[client]!.datagramsIn += 1
    }

    /// Counts the echo of a datagram of `bytes` sent back to `client`.
    func echoed(to client: SocketAddress, bytes: Int) {
        flows[client]?.bytesOut += UInt64(bytes)
        flows[client]?.datagramsOut += 1
    }

    /// Ends every flow (the listener is closing) and stops the sweep.
    func endAll() {
        sweep?.cancel()
        sweep = nil
        for (client, flow) in flows { end(client, flow) }
    }

    private func end(_ client: SocketAddress, _ flow: Flow) {
        flows.removeValue(forKey: client)
        recorder.record(FlowLogRecord(
            role: .echo, flowID: flow.flowID, transport: .udp, sourceAddress: client.ipAddress ?? "", sourcePort: client.port ?? 0,
            destinationAddress: flow.serverAddress, destinationPort: flow.serverPort,
            startNanoseconds: recorder.clock.unixNanoseconds(flow.start), endNanoseconds: recorder.clock.unixNanoseconds(flow.last),
            sourceBytes: flow.bytesIn, destinationBytes: flow.bytesOut, sourceMessages: flow.datagramsIn,
            destinationMessages: flow.datagramsOut))
    }
}
