import FlowTestShared

/// One flow the schedule asks for: when it starts, how long it lives, and where it goes.
struct ScheduledFlow: Equatable, Sendable {
    /// Position in the run, from 0; also the flow id carried in message headers.
    var index: UInt64
    /// Start time, relative to the start of the run.
    var start: Duration
    /// How long the flow exchanges messages once connected.
    var lifetime: Duration
    var transport: Transport
    var port: Int
    /// Which of the generator's addresses, as a turn: the pacer takes it modulo the addresses
    /// there are when the flow starts (a headless Service's number changes as pods come and go).
    var target: Int = 0
    /// Which of the run's traffic kinds, by position (always 0 without a mix).
    var kind: Int = 0
}

