import FlowTestDataPlane
import FlowTestShared
import NIOCore

/// What a continuous flow is given, and the bookkeeping both transports share: recording its
/// outages in the loop's statistics shard, and the reconnect back-off.
struct ContinuousFlowContext: Sendable {
    let setup: FlowSetup
    let loop: any EventLoop
    let address: SocketAddress
    let opener: ChannelOpener
    /// The data plane's socket table of the flow's loop; nil: sockets are NIO channels.
    nonisolated(unsafe) let driver: ClientLoopDriver?
    /// How long one connection attempt may take: the connect timeout, but no longer than the
    /// stall timeout, so that a dropped SYN is retried as soon as a stalled exchange would be.
    let attemptTimeout: TimeAmount
    /// Where the flow's outages say they went: the address as dialled.
    let peer: String

    var flowID: UInt64 { setup.flow.index }
    var environment: FlowEnvironment { setup.environment }
    var shard: FlowStatisticsShard { setup.shard }

    /// Queues the logical flow's one record, if the flow log is on.
    func recordFlow(_ tally: FlowTally?, _ transport: Transport, failure: FlowFailureReason?) {
        guard let tally, let log = environment.flowLog else { return }
        log.record(tally.record(flowID: flowID, transport, failure: failure, clock: environment.statistics.clock, continuous: true))
    }

    init(
        setup: FlowSetup, loop: any EventLoop, driver: ClientLoopDriver?, address: SocketAddress, opener: ChannelOpener, connectTimeout: TimeAmount
    ) {
        self.setup = setup
        self.driver = driver
        self.loop = loop
        self.address = address
        self.opener = opener
        self.attemptTimeout = min(connectTimeout, setup.environment.stallTimeout)
        let host = address.ipAddress ?? "?"
        self.peer = (address.protocol == .inet6 ? "[\(host)]" : host) + ":\(address.port ?? 0)"
    }

    /// The first pause before reconnecting; it doubles up to `longestBackoff`.
    static let firstBackoff = TimeAmount.milliseconds(1)

    /// Reconnecting waits at most one message interval (1 ms...1 s): an outage is then measured
    /// to within one interval, without hammering a refusing peer more than the flow would send.
    var longestBackoff: TimeAmount {
        min(max(environment.messageInterval, .milliseconds(1)), .seconds(1))
    }

    /// Records that the flow's outage started at `start`.
    func outageStarted(at start: NIODeadline, cause: FlowFailureReason) {
        let outage = OutageInterval(start: unix(start), end: unix(start), cause: cause, peer: peer)
        shard.update { $0.disruption.opened(flow: flowID, outage) }
    }

    /// Records the flow's outage as ended at `end`; `ongoing` when the flow ended inside it.
    func outageEnded(_ open: OutageTracker.Open, at end: NIODeadline, ongoing: Bool = false) {
        var outage = OutageInterval(start: unix(open.start), end: unix(end), cause: open.cause, peer: peer)
        outage.reconnects = open.reconnects
        outage.connectAttempts = open.connectAttempts
        outage.longestReconnect = open.longestReconnect
        outage.ongoing = ongoing
        shard.update { $0.disruption.closed(flow: flowID, outage) }
        environment.metrics.recordOutage(nanoseconds: outage.duration)
    }

    /// Opens a data-plane socket for generation `attempt` of `owner`; the socket tells the flow
    /// through a `ContinuousSocketDelegate`. Throws what failed at once (no descriptor, no port).
    func openSocket(
        on driver: ClientLoopDriver, stream: Bool, owner: any ContinuousConnectionOwner, generation attempt: Int
    ) throws(SocketError) -> ClientSocket {
        let (dialled, label) = opener.labelled(address, flow: flowID)
        let delegate = ContinuousSocketDelegate(owner: owner, generation: attempt)
        let socket = try ClientSocket.connect(to: dialled, stream: stream, options: opener.socketOptions, on: driver, delegate: delegate) {
            [opener, address] descriptor in opener.lease(label, to: address, descriptor: descriptor)
        }
        delegate.socket = socket
        return socket
    }

    /// Counts one exchange that was not answered in time.
    func exchangeMissed() {
        shard.update { $0.disruption.messagesLost += 1 }
    }

    private func unix(_ deadline: NIODeadline) -> Int64 {
        environment.statistics.clock.unixNanoseconds(deadline)
    }
}
