import FlowTestDataPlane
import FlowTestShared
import NIOCore

/// Writes the flow log's record of every TCP connection the echo's data plane closes (what
/// `EchoTCPTally` does for connections on NIO's path).
struct EchoFlowLogObserver: EchoConnectionObserver {
    let log: FlowRecorder

    func ended(_ connection: EchoConnectionSummary) {
        log.record(
            FlowLogRecord(
                role: .echo, flowID: connection.flowID, transport: .tcp, sourceAddress: connection.clientAddress, sourcePort: connection.clientPort,
                destinationAddress: connection.serverAddress, destinationPort: connection.serverPort,
                startNanoseconds: log.clock.unixNanoseconds(.uptimeNanoseconds(connection.startNanoseconds)),
                endNanoseconds: log.clock.unixNanoseconds(.uptimeNanoseconds(connection.endNanoseconds)), sourceBytes: connection.bytesReceived,
                destinationBytes: connection.bytesSent, failure: connection.failure))
    }
}
