import FlowTestDataPlane
import FlowTestShared
import NIOCore
import NIOPosix

/// Opens the socket of each scheduled flow on an event loop and hands it to its flow handler.
///
/// Flows are spread round-robin over the event loops, and each loop has its own statistics shard,
/// so flows on different cores never contend for a lock. The loops are the data plane's
/// (`ClientDataPlane`: a non-blocking socket per flow on epoll, no channel, pipeline or future)
/// unless `FLOWTEST_GENERATOR_NIO` asks for NIO's, for a side-by-side benchmark. The continuous
/// pattern's new-connection prober stays on a NIO loop.
final class FlowLauncher: Sendable {
    private let loops: [any EventLoop]
    /// The data plane's socket tables, same index as `loops`; nil: flows on NIO's loops.
    private nonisolated(unsafe) let drivers: [ClientLoopDriver]?
    /// A NIO loop for what still needs channels: the new-connection prober.
    private let nioLoop: any EventLoop
    private let environment: FlowEnvironment
    private let opener: ChannelOpener
    private let connectTimeout: TimeAmount
    /// Sockets the generator may hold at once: its descriptor limit less a reserve.
    private let socketBudget: Int
    /// One timing wheel and one table of open flows per event loop, same index as `loops` and the
    /// statistics shards.
    private let wheels: [FlowTimerWheel]
    private let openFlows: [OpenFlows]

    init(
        group: MultiThreadedEventLoopGroup, dataPlane: ClientDataPlane?, configuration: GeneratorConfiguration, environment: FlowEnvironment,
        descriptorLimit: Int
    ) {
        self.socketBudget = max(1, descriptorLimit - FileDescriptorLimit.reserve)
        self.loops = dataPlane?.loops ?? Array(group.makeIterator())
        self.drivers = dataPlane?.drivers
        self.nioLoop = group.next()
        self.wheels = loops.map { FlowTimerWheel(loop: $0) }
        self.openFlows = loops.map { OpenFlows(loop: $0) }
        precondition(loops.count == environment.statistics.shards.count, "one statistics shard per event loop")
        self.environment = environment
        self.opener = ChannelOpener(configuration: configuration, labeller: environment.labeller)
        self.connectTimeout = TimeAmount(configuration.connectTimeout)
    }

    /// How many event loops flows are spread over; flow `index` lives on loop `index % loopCount`.
    var loopCount: Int { loops.count }

    /// The event loop at `slot`.
    func loop(at slot: Int) -> any EventLoop { loops[slot] }

    /// The timing wheel of the event loop at `slot`.
    func wheel(at slot: Int) -> FlowTimerWheel { wheels[slot] }

    /// Starts `flow` towards `address`; a nil address means the target name did not resolve.
    /// Call on the flow's own loop, `loop(at: flow.index % loopCount)`, where its pacer runs.
    func launch(_ flow: ScheduledFlow, to address: SocketAddress?, lifetimeEnd: NIODeadline) {
        let slot = Int(flow.index % UInt64(loops.count))
        loops[slot].assertInEventLoop()
        let shard = environment.statistics.shards[slot]
        let pattern = environment.kinds[flow.kind].patternSlot
        shard.update { state in
            state.counters[flow.transport].flowsStarted += 1
            if let pattern { state.patterns[pattern].counters.flowsStarted += 1 }
        }
        environment.statistics.flowOpened(flow.transport)
        guard var address else { return recordLaunchFailure(flow, to: nil, shard: shard, reason: .dns) }
        // Counts the new flow itself, which flowOpened already added.
        guard environment.statistics.unsettledFlows <= socketBudget else {
            return recordLaunchFailure(flow, to: address, shard: shard, reason: .descriptorsExhausted)
        }
        address.port = flow.port
        if environment.continuous { return startContinuous(flow, to: address, slot: slot, lifetimeEnd: lifetimeEnd) }
        // Fireflies take the flow's addresses and bytes from the flow log's tally.
        let tally = environment.fireflies == nil ? FlowRecorder.tally(environment.flowLog, to: address) : FlowTally(destination: address)
        // Once connected, the flow's handler enters its loop's open flows and takes it from there.
        connect(flow, to: address, slot: slot, lifetimeEnd: lifetimeEnd, tally: tally)?.assumeIsolated().whenFailure { [self] error in
            recordLaunchFailure(flow, to: address, shard: shard, reason: FlowFailureReason(classifyingConnectError: error), tally: tally)
        }
    }

    private func setup(_ flow: ScheduledFlow, slot: Int, lifetimeEnd: NIODeadline, tally: FlowTally? = nil) -> FlowSetup {
        FlowSetup(
            flow: flow, environment: environment, shard: environment.statistics.shards[slot], wheel: wheels[slot],
            openFlows: openFlows[slot], lifetimeEnd: lifetimeEnd, tally: tally)
    }

    /// A flow of the constant or random pattern: one socket, one handler, for its lifetime. The
    /// handler is made in the initializer itself: one closure per flow, nothing more.
    private func connect(
        _ flow: ScheduledFlow, to address: SocketAddress, slot: Int, lifetimeEnd: NIODeadline, tally: FlowTally?
    ) -> EventLoopFuture<any Channel>? {
        let setup = setup(flow, slot: slot, lifetimeEnd: lifetimeEnd, tally: tally)
        let (dialled, label) = opener.labelled(address, flow: flow.index)
        if let drivers { return connectOnDataPlane(setup, to: address, dialled: dialled, label: label, driver: drivers[slot]) }
        switch flow.transport {
        case .tcp:
            return opener.tcp(on: loops[slot], to: address, connectTimeout: connectTimeout)
                .channelInitializer { [opener] channel in
                    channel.eventLoop.makeCompletedFuture {
                        opener.lease(label, to: address, on: channel)
                        try channel.pipeline.syncOperations.addHandler(TCPFlowHandler(setup))
                    }
                }
                .connect(to: dialled)
        case .udp:
            return opener.udp(on: loops[slot], to: address)
                .channelInitializer { [opener] channel in
                    channel.eventLoop.makeCompletedFuture {
                        opener.lease(label, to: address, on: channel)
                        try channel.pipeline.syncOperations.addHandler(UDPFlowHandler(setup))
                    }
                }
                .connect(to: dialled)
        }
    }

    /// `connect` on the data plane: the flow's handler is the socket's delegate from the start,
    /// and a connect that fails at once is counted here, as NIO's failed future was.
    private func connectOnDataPlane(
        _ setup: FlowSetup, to address: SocketAddress, dialled: SocketAddress, label: UInt32?, driver: ClientLoopDriver
    ) -> EventLoopFuture<any Channel>? {
        // The lease is written out at each call: a closure literal passed as the (non-escaping)
        // argument lives on the stack, where one kept in a variable would be a heap context per flow.
        do throws(SocketError) {
            switch setup.flow.transport {
            case .tcp:
                let handler = TCPFlowHandler(setup)
                let socket = try ClientSocket.connect(to: dialled, stream: true, options: opener.socketOptions, on: driver, delegate: handler) {
                    opener.lease(label, to: address, descriptor: $0)
                }
                handler.connecting(on: socket, deadline: .now() + connectTimeout)
            case .udp:
                let handler = UDPFlowHandler(setup)
                let socket = try ClientSocket.connect(to: dialled, stream: false, options: opener.socketOptions, on: driver, delegate: handler) {
                    opener.lease(label, to: address, descriptor: $0)
                }
                handler.connecting(on: socket)
            }
        } catch {
            recordLaunchFailure(setup.flow, to: address, shard: setup.shard, reason: FlowFailureReason(connectErrno: error.errno), tally: setup.tally)
        }
        return nil
    }

    /// A flow of the continuous pattern: a logical flow that outlives its sockets.
    private func startContinuous(_ flow: ScheduledFlow, to address: SocketAddress, slot: Int, lifetimeEnd: NIODeadline) {
        let context = ContinuousFlowContext(
            setup: setup(flow, slot: slot, lifetimeEnd: lifetimeEnd), loop: loops[slot], driver: drivers?[slot], address: address,
            opener: opener, connectTimeout: connectTimeout)
        let continuous: any ContinuousFlow =
            switch flow.transport {
            case .tcp: ContinuousTCPFlow(context)
            case .udp: ContinuousUDPFlow(context)
            }
        continuous.start()
    }

    private func recordLaunchFailure(
        _ flow: ScheduledFlow, to address: SocketAddress?, shard: FlowStatisticsShard, reason: FlowFailureReason, tally: FlowTally? = nil
    ) {
        shard.update { state in
            state.counters[flow.transport].recordFailure(reason)
            state.recordOutcome(pattern: environment.kinds[flow.kind].patternSlot, failure: reason)
        }
        environment.flowLog?.recordLaunchFailure(flow, to: address, reason: reason, tally: tally)
        environment.statistics.flowClosed(flow.transport)
        environment.statistics.flowSettled()
    }

    /// The continuous pattern's prober of new connections, on NIO's first event loop (its
    /// short connections are NIO channels; the first shard, locked, holds its log); nil when the
    /// run probes none.
    func makeNewConnectionProber(_ configuration: GeneratorConfiguration) -> NewConnectionProber? {
        guard environment.continuous, let rate = configuration.newConnectionRate else { return nil }
        return NewConnectionProber(
            rate: rate, configuration: configuration, loop: nioLoop, shard: environment.statistics.shards[0], opener: opener,
            environment: environment)
    }

    /// Stops the timing wheels; call after every flow has ended.
    func stop() {
        for wheel in wheels { wheel.stop() }
    }

    /// Ends every open flow now (shutdown, or flows outliving the run), counting them completed;
    /// flows still connecting end as soon as they connect.
    func stopAll() {
        for table in openFlows { table.stopAll() }
    }
}
