import FlowTestShared
import NIOCore

/// Opens new, short connections at a steady rate next to the continuous pattern's long-lived
/// flows (connect, one exchange, close), to the same destinations with the same transports, and
/// keeps their timeline apart from the flows': a drain or a fail-over often refuses new
/// connections while established ones carry on, or the other way round.
///
/// A probe must connect and have its exchange echoed within `responseTimeout`, the time after
/// which an established flow's outage starts too. Probes start on a fixed grid of `1/rate`; a late
/// wake-up skips the slots it missed rather than bursting, so a busy loop never floods a
/// recovering backend. They run on one event loop, whose statistics shard holds their log: the
/// flows' per-packet path is untouched.
///
/// Thread safety: created anywhere; `start`, the probes' events and `stop` run on `loop` only,
/// which is why the class can be `@unchecked Sendable`.
final class NewConnectionProber: @unchecked Sendable {
    /// A probe while it runs.
    private struct InFlight {
        var timeline: Int
        var channel: (any Channel)?
        var deadline: Scheduled<Void>?
    }

    /// Probes carry flow ids from 2^63 up, far from the flows' (0, 1, 2, ...), so a capture or
    /// an echo's log tells them apart.
    static let flowIDBase: UInt64 = 1 << 63

    private let loop: any EventLoop
    private let opener: ChannelOpener
    private let environment: FlowEnvironment
    private let shard: FlowStatisticsShard
    private let targets: [String]
    private let interval: TimeAmount
    private let responseTimeout: TimeAmount
    private var destinations: ProbeDestinations
    private var addresses: TargetAddresses?
    private var timelines: [ProbeTimeline] = []
    private var timelineIndex: [String: Int] = [:]
    private var inFlight: [UInt64: InFlight] = [:]
    private var sequence: UInt64 = 0
    private var gridStart = NIODeadline.distantPast
    private var nextSlot: Int64 = 0
    private var end = NIODeadline.distantFuture
    private var stopped = false
    private var finalized = false
    private let done: EventLoopPromise<Void>

    init(
        rate: Double, configuration: GeneratorConfiguration, loop: any EventLoop, shard: FlowStatisticsShard, opener: ChannelOpener,
        environment: FlowEnvironment
    ) {
        self.loop = loop
        self.shard = shard
        self.opener = opener
        self.environment = environment
        self.targets = configuration.targets
        self.interval = .nanoseconds(Int64(1e9 / rate))
        self.responseTimeout = TimeAmount(configuration.responseTimeout)
        self.destinations = ProbeDestinations(configuration)
        self.done = loop.makePromise()
    }

    /// Starts probing now, until `runLength` has passed; the run's targets are read from `addresses`.
    func start(addresses: TargetAddresses, runLength: Duration) {
        loop.execute { [self] in
            self.addresses = addresses
            gridStart = .now()
            end = gridStart + TimeAmount(runLength)
            tick()
        }
    }

    /// Waits until the last probe has been judged after the end of the run, or stops at once
    /// when the task is cancelled (shutdown).
    func finished() async {
        await withTaskCancellationHandler {
            try? await done.futureResult.get()
        } onCancel: {
            stop()
        }
    }

    /// Stops now (shutdown): probes still running are left unjudged, and an outage in progress
    /// is recorded as ongoing.
    func stop() {
        loop.execute { [self] in
            guard !finalized else { return }
            stopped = true
            for flight in inFlight.values {
                flight.deadline?.cancel()
                flight.channel?.close(promise: nil)
            }
            inFlight.removeAll()
            finishIfDone()
        }
    }

    /// Starts the probe of the current slot and schedules the next slot.
    private func tick() {
        let now = NIODeadline.now()
        guard !stopped, now < end else { return finishIfDone() }
        probe(at: now)
        nextSlot = max(nextSlot + 1, (now - gridStart).nanoseconds / interval.nanoseconds + 1)
        let due = gridStart + interval * nextSlot
        if due < end {
            loop.scheduleTask(deadline: due) { [self] in tick() }
        } else {
            loop.scheduleTask(deadline: end) { [self] in finishIfDone() }
        }
    }

    private func probe(at now: NIODeadline) {
        let destination = destinations.next()
        let current = addresses?.current ?? [nil]
        var address = current[destination.target % current.count]
        address?.port = destination.port
        // Unresolved: the place of a target name that does not resolve now.
        let peer = address.map(Self.peer) ?? "\(targets.joined(separator: ",")):\(destination.port)"
        let timeline = timeline(destination.transport, peer)
        sequence += 1
        let id = sequence
        timelines[timeline].started(id, at: now)
        shard.update { $0.newConnections.attempts += 1 }
        guard let address else { return judge(id, failure: .dns, timeline: timeline) }
        inFlight[id] = InFlight(timeline: timeline)
        inFlight[id]?.deadline = loop.scheduleTask(deadline: now + responseTimeout) { [self] in
            ended(id, failure: inFlight[id]?.channel == nil ? .connectTimeout : .timeout)
        }
        let header = FlowHeader(sequence: UInt32(truncatingIfNeeded: id), flowID: Self.flowIDBase | id, sendTimeNanoseconds: now.uptimeNanoseconds)
        let report: @Sendable (FlowFailureReason?) -> Void = { [self] failure in ended(id, failure: failure) }
        let connected: EventLoopFuture<any Channel> =
            switch destination.transport {
            case .tcp:
                opener.tcp(on: loop, to: address, connectTimeout: responseTimeout)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(TCPProbeHandler(header: header, report: report)) }
                    }
                    .connect(to: address)
            case .udp:
                opener.udp(on: loop, to: address)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPProbeHandler(header: header, report: report)) }
                    }
                    .connect(to: address)
            }
        connected.hop(to: loop).whenComplete { [self] result in
            switch result {
            case .success(let channel):
                // Judged already (an echo faster than this callback, or the deadline): just close.
                if inFlight[id] != nil { inFlight[id]?.channel = channel } else { channel.close(promise: nil) }
            case .failure(let error):
                ended(id, failure: FlowFailureReason(classifyingConnectError: error))
            }
        }
    }

    private func ended(_ id: UInt64, failure: FlowFailureReason?) {
        guard let flight = inFlight.removeValue(forKey: id) else { return }
        flight.deadline?.cancel()
        flight.channel?.close(promise: nil)
        judge(id, failure: failure, timeline: flight.timeline)
    }

    /// Counts probe `id` and judges its destination's probes as far as they are known.
    private func judge(_ id: UInt64, failure: FlowFailureReason?, timeline: Int) {
        guard !stopped else { return }
        let key = timelines[timeline].key
        let peer = timelines[timeline].peer
        let events = timelines[timeline].ended(id, failure: failure)
        shard.update { state in
            if let failure { state.newConnections.failed(failure) }
            for event in events {
                switch event {
                case .started(let start, let cause):
                    state.newConnections.outages.opened(flow: key, OutageInterval(start: unix(start), end: unix(start), cause: cause, peer: peer))
                case .ended(let open, let end):
                    state.newConnections.outages.closed(flow: key, OutageInterval(start: unix(open.start), end: unix(end), cause: open.cause, peer: peer))
                }
            }
        }
        for case .ended(let open, let end) in events { environment.metrics.recordNewConnectionOutage(nanoseconds: (end - open.start).nanoseconds) }
        finishIfDone()
    }

    /// Once the run is over and every probe judged: records outages still open as ongoing, once.
    private func finishIfDone() {
        let now = NIODeadline.now()
        guard !finalized, stopped || now >= end, inFlight.isEmpty else { return }
        shard.update { state in
            for timeline in timelines {
                guard let open = timeline.open else { continue }
                var outage = OutageInterval(start: unix(open.start), end: unix(max(now, open.start)), cause: open.cause, peer: timeline.peer)
                outage.ongoing = true
                state.newConnections.outages.closed(flow: timeline.key, outage)
            }
        }
        timelines.removeAll()
        timelineIndex.removeAll()
        stopped = true
        finalized = true
        done.succeed()
    }

    /// The timeline of (`transport`, `peer`), made on first use.
    private func timeline(_ transport: Transport, _ peer: String) -> Int {
        let name = "\(transport.rawValue) \(peer)"
        if let index = timelineIndex[name] { return index }
        timelines.append(ProbeTimeline(key: UInt64(timelines.count), peer: peer))
        timelineIndex[name] = timelines.count - 1
        return timelines.count - 1
    }

    private func unix(_ deadline: NIODeadline) -> Int64 {
        environment.statistics.clock.unixNanoseconds(deadline)
    }

    private static func peer(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        return (address.protocol == .inet6 ? "[\(host)]" : host) + ":\(address.port ?? 0)"
    }
}
