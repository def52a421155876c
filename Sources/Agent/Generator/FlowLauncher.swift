import FlowTestShared
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens the socket of each scheduled flow on an event loop and hands it to its flow handler.
///
/// Flows are spread round-robin over the event loops, and each loop has its own statistics shard,
/// so flows on different cores never contend for a lock.
final class FlowLauncher: Sendable {
    private let loops: [any EventLoop]
    private let environment: FlowEnvironment
    private let mss: Int?
    private let allowFragmentation: Bool
    private let connectTimeout: TimeAmount
    private let receiveBufferSize: Int
    /// Sockets the generator may hold at once: its descriptor limit less a reserve.
    private let socketBudget: Int
    /// One timing wheel and one table of open flows per event loop, same index as `loops` and the
    /// statistics shards.
    private let wheels: [FlowTimerWheel]
    private let openFlows: [OpenFlows]

    init(
        group: MultiThreadedEventLoopGroup, configuration: GeneratorConfiguration, environment: FlowEnvironment,
        descriptorLimit: Int
    ) {
        self.socketBudget = max(1, descriptorLimit - FileDescriptorLimit.reserve)
        self.loops = Array(group.makeIterator())
        self.wheels = loops.map { FlowTimerWheel(loop: $0) }
        self.openFlows = loops.map { OpenFlows(loop: $0) }
        precondition(loops.count == environment.statistics.shards.count, "one statistics shard per event loop")
        self.environment = environment
        self.mss = configuration.mss
        self.allowFragmentation = configuration.allowFragmentation
        self.connectTimeout = TimeAmount(configuration.connectTimeout)
        // Big enough for the largest echo, so a datagram is never truncated.
        self.receiveBufferSize = max(2048, configuration.payload.maximum)
    }

    /// Starts `flow` towards `address`; a nil address means the target name did not resolve.
    func launch(_ flow: ScheduledFlow, to address: SocketAddress?, lifetimeEnd: NIODeadline) {
        let slot = Int(flow.index % UInt64(loops.count))
        let shard = environment.statistics.shards[slot]
        shard.update { $0.counters[flow.transport].flowsStarted += 1 }
        environment.statistics.flowOpened(flow.transport)
        guard var address else { return recordLaunchFailure(flow, shard: shard, reason: .dns) }
        // Counts the new flow itself, which flowOpened already added.
        guard environment.statistics.unsettledFlows <= socketBudget else {
            return recordLaunchFailure(flow, shard: shard, reason: .local)
        }
        address.port = flow.port
        let connected: EventLoopFuture<any Channel> =
            switch flow.transport {
            case .tcp: connectTCP(flow, to: address, slot: slot, lifetimeEnd: lifetimeEnd)
            case .udp: connectUDP(flow, to: address, slot: slot, lifetimeEnd: lifetimeEnd)
            }
        // Once connected, the flow's handler enters its loop's open flows and takes it from there.
        connected.whenFailure { [self] error in
            recordLaunchFailure(flow, shard: shard, reason: FlowFailureReason(classifying: error))
        }
    }

    private func connectTCP(
        _ flow: ScheduledFlow, to address: SocketAddress, slot: Int, lifetimeEnd: NIODeadline
    ) -> EventLoopFuture<any Channel> {
        let setup = FlowSetup(
            flow: flow, environment: environment, shard: environment.statistics.shards[slot], wheel: wheels[slot],
            openFlows: openFlows[slot], lifetimeEnd: lifetimeEnd)
        var bootstrap = ClientBootstrap(group: loops[slot])
            .connectTimeout(connectTimeout)
            .channelOption(.recvAllocator, value: TCPReceiveAllocator.adaptive)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        TCPFlowHandler(setup))
                }
            }
        if let mss {
            // Set before connect, so the SYN already advertises it.
            bootstrap = bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_TCP), SocketOptionName(TCP_MAXSEG)), value: SocketOptionValue(mss))
        }
        return bootstrap.connect(to: address)
    }

    private func connectUDP(
        _ flow: ScheduledFlow, to address: SocketAddress, slot: Int, lifetimeEnd: NIODeadline
    ) -> EventLoopFuture<any Channel> {
        let setup = FlowSetup(
            flow: flow, environment: environment, shard: environment.statistics.shards[slot], wheel: wheels[slot],
            openFlows: openFlows[slot], lifetimeEnd: lifetimeEnd)
        var bootstrap = DatagramBootstrap(group: loops[slot])
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: receiveBufferSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UDPFlowHandler(setup))
                }
            }
        if !allowFragmentation {
            // Don't-fragment: a datagram larger than the path MTU fails with EMSGSIZE instead of
            // being split, so MTU problems show up as failures rather than hidden fragmentation.
            bootstrap =
                if address.protocol == .inet6 {
                    bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IPV6), 23 /* IPV6_MTU_DISCOVER */), value: 2 /* IPV6_PMTUDISC_DO */)
                } else {
                    bootstrap.channelOption(.socket(SocketOptionLevel(IPPROTO_IP), SocketOptionName(IP_MTU_DISCOVER)), value: SocketOptionValue(IP_PMTUDISC_DO))
                }
        }
        return bootstrap.connect(to: address)
    }

    private func recordLaunchFailure(_ flow: ScheduledFlow, shard: FlowStatisticsShard, reason: FlowFailureReason) {
        shard.update { $0.counters[flow.transport].recordFailure(reason) }
        environment.statistics.flowClosed(flow.transport)
        environment.statistics.flowSettled()
    }

    /// Starts the timing wheels; call before the first launch.
    func start() {
        for wheel in wheels { wheel.start() }
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
