import FlowTestShared
import NIOCore

/// One agent's way into the flow log: stamps its records with the agent's name and its clock.
struct FlowRecorder: Sendable {
    let writer: FlowLogWriter
    let agent: String
    /// Turns the event loops' deadlines into wall-clock times.
    let clock: WallClockAnchor

    /// Queues `record` under this agent's name.
    func record(_ record: FlowRecord) {
        var record = record
        record.agent = agent
        writer.append(record)
    }

    /// A tally for a flow that starts now, if the flow log is on.
    static func tally(_ recorder: FlowRecorder?) -> FlowTally? {
        recorder == nil ? nil : FlowTally()
    }

    /// The record of a flow that never got a socket of its own (no address, no descriptor, a
    /// refused or timed-out connect): its destination as dialled, no source.
    func recordLaunchFailure(_ flow: ScheduledFlow, to address: SocketAddress?, reason: FlowFailureReason, startedAt: NIODeadline) {
        record(FlowRecord(
            role: .generator, flowID: flow.index, transport: flow.transport, sourceAddress: "", sourcePort: 0,
            destinationAddress: address?.ipAddress ?? "", destinationPort: flow.port, startNanoseconds: clock.unixNanoseconds(startedAt),
            endNanoseconds: clock.unixNanoseconds(.now()),
            sourceMessages: 0, destinationMessages: 0, tcpRetransmits: flow.transport == .tcp ? 0 : nil, failure: reason))
    }
}
