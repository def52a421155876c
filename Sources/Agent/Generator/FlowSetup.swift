import NIOCore

/// What a flow handler is given when its flow is launched.
struct FlowSetup {
    let flow: ScheduledFlow
    let environment: FlowEnvironment
    /// The statistics shard of the flow's event loop.
    let shard: FlowStatisticsShard
    /// The timing wheel of the flow's event loop.
    let wheel: FlowTimerWheel
    /// The open flows of the flow's event loop, which the flow enters once connected.
    let openFlows: OpenFlows
    /// When the flow stops sending: its scheduled start plus lifetime, clipped to the time limit.
    let lifetimeEnd: NIODeadline
    /// The flow's figures for the flow log, made by the launcher so that a failed connect is
    /// still recorded with the source port it was bound to; nil without a flow log.
    let tally: FlowTally?

    /// The flow's own random stream (payload sizes), independent of every other flow's.
    func makeRandom() -> SeededRandomNumberGenerator {
        SeededRandomNumberGenerator.forFlow(flow.index, seed: environment.seed)
    }
}
