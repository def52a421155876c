import FlowTestDataPlane
import FlowTestProtocols
import FlowTestShared
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The UDP flows the echo's data plane sees, one per source address and port, for the flow log:
/// what `EchoUDPFlowTable` does on NIO's path, with a table per loop, each touched only by its
/// loop's thread (hence `@unchecked Sendable`).
///
/// A flow ends when its source has been silent for `EchoUDPFlowTable.idleTimeout`, when a
/// datagram from the same source carries another flow's FlowTest header (the kernel gave a new
/// flow the port again), or when the loop ends.
final class EchoDatagramFlowLog: EchoDatagramObserver, @unchecked Sendable {
    private struct Flow {
        let start: UInt64
        var last: UInt64
        var flowID: UInt64?
        let client: sockaddr_storage
        let serverAddress: String
        let serverPort: Int
        var bytesIn: UInt64 = 0
        var datagramsIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        var datagramsOut: UInt64 = 0
    }

    private let recorder: FlowRecorder
    /// The listening addresses by port, for a datagram whose destination the kernel did not say.
    private let listenAddress: String
    private var tables: [[DatagramSource: Flow]]

    init(recorder: FlowRecorder, loops: Int, listenAddress: String) {
        self.recorder = recorder
        self.listenAddress = listenAddress
        tables = Array(repeating: [:], count: loops)
    }

    func received(loop: Int, source: UnsafePointer<sockaddr_storage>, destination: String, port: Int, payload: UnsafeRawBufferPointer, nowNanoseconds now: UInt64) {
        let key = DatagramSource(source)
        let flowID = SizedWire.flowID(in: payload) ?? ProtocolResponder.flowID(inDatagram: payload)
        if let known = tables[loop][key], let flowID, let previous = known.flowID, previous != flowID { end(loop, key) }
        tables[loop][key, default: Flow(start: now, last: now, flowID: flowID, client: source.pointee, serverAddress: destination.isEmpty ? listenAddress : destination, serverPort: port)]
            .last = now
        tables[loop][key]!.bytesIn += UInt64(payload.count)
        tables[loop][key]!.datagramsIn += 1
    }

    func echoed(loop: Int, to destination: UnsafePointer<sockaddr_storage>, bytes: Int) {
        let key = DatagramSource(destination)
        tables[loop][key]?.bytesOut += UInt64(bytes)
        tables[loop][key]?.datagramsOut += 1
    }

    func tick(loop: Int, nowNanoseconds now: UInt64) {
        let idle = UInt64(EchoUDPFlowTable.idleTimeout.nanoseconds)
        for (key, flow) in tables[loop] where now &- flow.last > idle { end(loop, key) }
    }

    func ended(loop: Int) {
        for key in Array(tables[loop].keys) { end(loop, key) }
    }

    private func end(_ loop: Int, _ key: DatagramSource) {
        guard let flow = tables[loop].removeValue(forKey: key) else { return }
        let (clientAddress, clientPort) = SocketAddressText.text(flow.client)
        recorder.record(FlowLogRecord(
            role: .echo, flowID: flow.flowID, transport: .udp, sourceAddress: clientAddress, sourcePort: clientPort,
            destinationAddress: flow.serverAddress, destinationPort: flow.serverPort,
            startNanoseconds: recorder.clock.unixNanoseconds(.uptimeNanoseconds(flow.start)),
            endNanoseconds: recorder.clock.unixNanoseconds(.uptimeNanoseconds(flow.last)),
            sourceBytes: flow.bytesIn, destinationBytes: flow.bytesOut, sourceMessages: flow.datagramsIn, destinationMessages: flow.datagramsOut))
    }
}
