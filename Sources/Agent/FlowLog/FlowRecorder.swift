import FlowTestShared
import NIOCore

/// One agent's way into the flow log: stamps its records with the agent's name and its clock.
struct FlowRecorder: Sendable {
    let writer: FlowLogWriter
    let agent: String
    /// Turns the event loops' deadlines into wall-clock times.
    let clock: WallClockAnchor

    /// Queues `record` under this agent's name and its FlowTest's.
    func record(_ record: FlowLogRecord) {
        var record = record
        record.agent = agent
        record.flowTest = writer.settings.flowTest
        writer.append(record)
    }

    /// A tally for a flow to `destination` that starts now, if the flow log is on.
    static func tally(_ recorder: FlowRecorder?, to destination: SocketAddress) -> FlowTally? {
        recorder == nil ? nil : FlowTally(destination: destination)
    }

    /// The record of a flow that never connected: no address or descriptor (no source, started
    /// and ended now), or a refused or timed-out connect (the source port the socket was bound to,
    /// from `tally`, so that a SYN a policy dropped can still be matched).
    func recordLaunchFailure(_ flow: ScheduledFlow, to address: SocketAddress?, reason: FlowFailureReason, tally: FlowTally?) {
        let now = NIODeadline.now()
        record(FlowLogRecord(
            role: .generator, flowID: flow.index, transport: flow.transport, sourceAddress: tally?.sourceAddress ?? "",
            sourcePort: tally?.sourcePort ?? 0, destinationAddress: address?.ipAddress ?? "", destinationPort: flow.port,
            startNanoseconds: clock.unixNanoseconds(tally?.start ?? now), endNanoseconds: clock.unixNanoseconds(now),
            sourceMessages: 0, destinationMessages: 0, tcpRetransmits: flow.transport == .tcp ? 0 : nil, failure: reason))
    }
}
