import FlowTestDataPlane
import FlowTestShared
import NIOCore

/// A UDP flow of the continuous pattern: a datagram every message interval, on a fixed grid,
/// whatever comes back; each datagram is judged answered or missed in the order it was sent,
/// and runs of missed ones are the flow's outages. Errors the kernel reports on the connected
/// socket (ICMP port or host unreachable) name the cause but never stop the flow; a socket that
/// closes is replaced.
///
/// Thread safety: created anywhere, then used only on `context.loop`, hence `@unchecked Sendable`.
final class ContinuousUDPFlow: ContinuousFlow, ContinuousConnectionOwner, @unchecked Sendable {
    private let context: ContinuousFlowContext
    /// The current socket; nil between a closed one and the next.
    private var wire: (any FlowWire)?
    private var generation = 0
    private var ended = false
    private var backoff = ContinuousFlowContext.firstBackoff
    private var reopenAt: NIODeadline?
    private var tracker = OutageTracker()
    private var window = ExchangeWindow()
    private var random: SeededRandomNumberGenerator
    private var wakeUp = FlowWakeUp()
    /// What the kernel last said about the peer (refused, unreachable): the cause of the next outage.
    private var reportedCause: FlowFailureReason?
    private var gridStart = NIODeadline.uptimeNanoseconds(0)
    private var sentOnGrid: Int64 = 0
    private var highestEchoed: UInt64?
    /// The logical flow's figures for the flow log, over all its sockets; nil without one.
    private let tally: FlowTally?
    private var everConnected = false
    /// When the current socket was asked for: a failed open starts the outage there.
    private var attemptStartedAt = NIODeadline.uptimeNanoseconds(0)

    private var environment: FlowEnvironment { context.environment }
    private var lifetimeEnd: NIODeadline { context.setup.lifetimeEnd }

    init(_ context: ContinuousFlowContext) {
        self.context = context
        self.random = context.setup.makeRandom()
        self.tally = FlowRecorder.tally(context.environment.flowLog, to: context.address)
        self.window = ExchangeWindow(
            capacity: Int(environment.responseTimeout.nanoseconds / max(1, environment.messageInterval.nanoseconds)) + 2)
    }

    func start() {
        guard context.setup.openFlows.enter(self) else { return end() }
        open()
    }

    private func open() {
        reopenAt = nil
        generation += 1
        let attempt = generation
        let startedAt = NIODeadline.now()
        attemptStartedAt = startedAt
        if let driver = context.driver {
            do throws(SocketError) {
                // Connected once the loop's batch is over (`connectionActive`).
                _ = try context.openSocket(on: driver, stream: false, owner: self, generation: attempt)
            } catch {
                connectFailed(FlowFailureReason(errno: error.errno), generation: attempt)
            }
            return
        }
        let (dialled, label) = context.opener.labelled(context.address, flow: context.flowID)
        context.opener.udp(on: context.loop, to: context.address)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    context.opener.lease(label, to: context.address, on: channel)
                    try channel.pipeline.syncOperations.addHandler(
                        ContinuousConnectionHandler<AddressedEnvelope<ByteBuffer>>(owner: self, generation: attempt, isStream: false))
                }
            }
            .connect(to: dialled)
            .hop(to: context.loop)
            .whenFailure { [self] error in connectFailed(FlowFailureReason(classifying: error), generation: attempt) }
    }

    func connectFailed(_ cause: FlowFailureReason, generation attempt: Int) {
        guard attempt == generation, !ended else { return }
        let startedAt = attemptStartedAt
        if tracker.open == nil, tracker.broke(at: startedAt, cause: cause, inFlightSince: nil) {
            context.outageStarted(at: startedAt, cause: cause)
        }
        let now = NIODeadline.now()
        if now >= lifetimeEnd { return end() }
        reopenAt = now + backoff
        scheduleWakeUp(now + backoff)
        backoff = min(backoff * 2, context.longestBackoff)
    }

    func connectionActive(_ wire: any FlowWire, generation attempt: Int) {
        guard attempt == generation, !ended else { return wire.close() }
        self.wire = wire
        tally?.connected(wire.localAddress)
        if everConnected { tally?.reconnects += 1 }
        everConnected = true
        backoff = ContinuousFlowContext.firstBackoff
        gridStart = .now()
        sentOnGrid = 0
        sendDatagram()
    }

    private func sendDatagram() {
        guard let wire, !ended else { return }
        let size = environment.payload.next(using: &random)
        let now = NIODeadline.now()
        let sequence = window.sent(at: now)
        let header = FlowHeader(sequence: UInt32(truncatingIfNeeded: sequence), flowID: context.flowID, sendTimeNanoseconds: now.uptimeNanoseconds)
        wire.send(header, fillerCount: size - FlowHeader.size, of: environment)
        wire.flush()
        context.shard.recordSend(.udp, bytes: size)
        tally?.sent(size)
        sentOnGrid += 1
        scheduleNextWakeUp()
    }

    /// A fixed grid from the (re)opening of the socket, so late wake-ups never lower the rate.
    private var nextSendDue: NIODeadline {
        gridStart + environment.messageInterval * sentOnGrid
    }

    private func scheduleNextWakeUp() {
        var deadline = window.oldestDeadline(responseTimeout: environment.responseTimeout) ?? .distantFuture
        if let reopenAt { deadline = min(deadline, reopenAt) }
        // After the lifetime only the judging of the last datagrams is left to wake for.
        if wire != nil, nextSendDue < lifetimeEnd {
            deadline = min(deadline, nextSendDue)
        } else if NIODeadline.now() < lifetimeEnd {
            deadline = min(deadline, lifetimeEnd)
        }
        scheduleWakeUp(deadline)
    }

    private func scheduleWakeUp(_ deadline: NIODeadline) {
        guard deadline != .distantFuture else { return }
        wakeUp.request(deadline, on: context.setup.wheel, for: self)
    }

    func wokeUp() {
        let now = NIODeadline.now()
        wakeUp.fired(at: now)
        guard !ended else { return }
        judge(now: now)
        if now >= lifetimeEnd {
            // Sending is over; the flow ends once the last datagrams are judged.
            return window.isEmpty ? end() : scheduleNextWakeUp()
        }
        if let reopenAt, now >= reopenAt { return open() }
        if wire != nil, now >= nextSendDue { return sendDatagram() }
        scheduleNextWakeUp()
    }

    /// Judges every datagram whose fate is known, in the order they were sent.
    private func judge(now: NIODeadline) {
        while let verdict = window.judgeOldest(now: now, responseTimeout: environment.responseTimeout) {
            switch verdict {
            case .answered(let sentAt):
                reportedCause = nil
                if let ended = tracker.answered(sentAt: sentAt) { context.outageEnded(ended, at: sentAt) }
            case .missed(let sentAt):
                context.exchangeMissed()
                context.shard.update { $0.counters.udp.udpLost += 1 }
                tally?.udpLost += 1
                let cause = reportedCause ?? .timeout
                if tracker.missed(sentAt: sentAt, cause: cause) { context.outageStarted(at: sentAt, cause: cause) }
            }
        }
    }

    func connectionRead(_ datagram: UnsafeRawBufferPointer, generation attempt: Int) {
        guard !ended, let header = FlowHeader(peekingAt: datagram), header.flowID == context.flowID else { return }
        let now = NIODeadline.now()
        let roundTrip = now.uptimeNanoseconds > header.sendTimeNanoseconds ? now.uptimeNanoseconds - header.sendTimeNanoseconds : 0
        // The window spans far fewer than 2^32 datagrams: the full sequence is the nearest one sent.
        let latest = window.next &- 1
        let sequence = latest &- UInt64(UInt32(truncatingIfNeeded: latest) &- header.sequence)
        switch window.echoed(sequence, roundTrip: roundTrip, responseTimeout: environment.responseTimeout) {
        case .duplicate:
            context.shard.update { $0.counters.udp.udpDuplicates += 1 }
            tally?.udpDuplicated += 1
        case .unknown:
            return
        case .inTime, .late:
            // A late echo still carried bytes and a round trip; only the outage verdict differs.
            context.shard.recordEcho(.udp, bytes: datagram.count, roundTripNanoseconds: roundTrip)
            tally?.received(datagram.count)
            tally?.echoed(roundTrip: roundTrip)
            if let highestEchoed, sequence < highestEchoed {
                context.shard.update { $0.counters.udp.udpReordered += 1 }
                tally?.udpReordered += 1
            }
            highestEchoed = max(highestEchoed ?? 0, sequence)
            judge(now: now)
        }
    }

    func connectionError(_ reason: FlowFailureReason, generation attempt: Int) {
        // On a connected UDP socket an ICMP error surfaces as ECONNREFUSED or EHOSTUNREACH.
        guard attempt == generation else { return }
        reportedCause = reason
    }

    func connectionClosed(generation attempt: Int) {
        guard attempt == generation, !ended else { return }
        wire = nil
        let now = NIODeadline.now()
        if now >= lifetimeEnd { return window.isEmpty ? end() : scheduleNextWakeUp() }
        reopenAt = now + backoff
        backoff = min(backoff * 2, context.longestBackoff)
        scheduleNextWakeUp()
    }

    func stop() {
        end()
    }

    private func end() {
        guard !ended else { return }
        ended = true
        generation += 1
        wire?.close()
        wire = nil
        context.setup.openFlows.leave(self)
        let unrecovered = tracker.open
        if let unrecovered { context.outageEnded(unrecovered, at: max(.now(), unrecovered.start), ongoing: true) }
        context.shard.update { state in
            if let unrecovered { state.counters.udp.recordFailure(unrecovered.cause) } else { state.counters.udp.flowsCompleted += 1 }
        }
        context.recordFlow(tally, .udp, failure: unrecovered?.cause)
        environment.statistics.flowClosed(.udp)
        environment.statistics.flowSettled()
    }
}
