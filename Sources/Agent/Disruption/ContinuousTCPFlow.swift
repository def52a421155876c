import FlowTestDataPlane
import FlowTestShared
import NIOCore

/// A TCP flow of the continuous pattern: one message in flight at a time, every message
/// interval, for the whole run; a connection that breaks (or stalls past `stallTimeout`) is
/// replaced at once, with bounded back-off, and the flow goes on as the same flow.
///
/// Thread safety: created anywhere, then used only on `context.loop` (as `FlowTimerWheel`),
/// which is why the class can be `@unchecked Sendable`.
final class ContinuousTCPFlow: ContinuousFlow, ContinuousConnectionOwner, @unchecked Sendable {
    private enum Phase {
        /// Data plane: with the socket and when the attempt times out (NIO's bootstrap times its own).
        case connecting(ClientSocket?, until: NIODeadline)
        case connected(any FlowWire)
        case waitingToReconnect(until: NIODeadline)
        case ended
    }

    private let context: ContinuousFlowContext
    private var phase = Phase.connecting(nil, until: .distantFuture)
    /// When the current connect attempt started: a failed first attempt opens the outage there.
    private var attemptStartedAt = NIODeadline.uptimeNanoseconds(0)
    /// Bumped for every new socket: events of a replaced one are ignored.
    private var generation = 0
    private var everConnected = false
    private var backoff = ContinuousFlowContext.firstBackoff
    private var tracker = OutageTracker()
    private var random: SeededRandomNumberGenerator
    private var wakeUp = FlowWakeUp()
    /// The logical flow's figures for the flow log, over all its connections; nil without one.
    private let tally: FlowTally?

    private var sequence: UInt32 = 0
    /// Bytes of the current message's echo still to come; 0 when nothing is in flight.
    private var awaitedBytes = 0
    private var messageSize = 0
    private var echoedBytes = 0
    private var sentAt = NIODeadline.uptimeNanoseconds(0)
    /// The message in flight has already been counted as unanswered.
    private var inFlightMissed = false
    private var nextSendDue = NIODeadline.distantFuture

    private var environment: FlowEnvironment { context.environment }
    private var lifetimeEnd: NIODeadline { context.setup.lifetimeEnd }

    init(_ context: ContinuousFlowContext) {
        self.context = context
        self.random = context.setup.makeRandom()
        self.tally = FlowRecorder.tally(context.environment.flowLog, to: context.address)
    }

    func start() {
        // Started after a stop: end at once, so the flow is still counted in the final statistics.
        guard context.setup.openFlows.enter(self) else { return end() }
        connect()
    }

    private func connect() {
        let now = NIODeadline.now()
        attemptStartedAt = now
        phase = .connecting(nil, until: .distantFuture)
        generation += 1
        tracker.connecting()
        let attempt = generation
        if let driver = context.driver {
            do throws(SocketError) {
                let socket = try context.openSocket(on: driver, stream: true, owner: self, generation: attempt)
                phase = .connecting(socket, until: now + context.attemptTimeout)
                scheduleWakeUp(now + context.attemptTimeout)
            } catch {
                connectFailed(FlowFailureReason(connectErrno: error.errno), generation: attempt)
            }
            return
        }
        let (dialled, label) = context.opener.labelled(context.address, flow: context.flowID)
        context.opener.tcp(on: context.loop, to: context.address, connectTimeout: context.attemptTimeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    context.opener.lease(label, to: context.address, on: channel)
                    try channel.pipeline.syncOperations.addHandler(
                        ContinuousConnectionHandler<ByteBuffer>(owner: self, generation: attempt, isStream: true))
                }
            }
            .connect(to: dialled)
            .hop(to: context.loop)
            .whenFailure { [self] error in connectFailed(FlowFailureReason(classifyingConnectError: error), generation: attempt) }
    }

    func connectFailed(_ cause: FlowFailureReason, generation attempt: Int) {
        guard attempt == generation, case .connecting = phase else { return }
        let startedAt = attemptStartedAt
        // The first connect failing starts the flow in an outage, from the attempt on.
        if tracker.open == nil, tracker.broke(at: startedAt, cause: cause, inFlightSince: nil) {
            context.outageStarted(at: startedAt, cause: cause)
            tracker.connecting()  // the attempt that just failed
        }
        let now = NIODeadline.now()
        if now >= lifetimeEnd { return end() }
        phase = .waitingToReconnect(until: now + backoff)
        scheduleWakeUp(now + backoff)
        backoff = min(backoff * 2, context.longestBackoff)
    }

    func connectionActive(_ wire: any FlowWire, generation attempt: Int) {
        guard attempt == generation, case .connecting = phase else {
            // A socket that connected after the flow moved on (ended, or timed the attempt out).
            return wire.close()
        }
        phase = .connected(wire)
        backoff = ContinuousFlowContext.firstBackoff
        tally?.connected(wire.localAddress)
        if everConnected {
            tally?.reconnects += 1
            tracker.reconnected(at: .now())
            context.shard.update { $0.disruption.connectionsReestablished += 1 }
        }
        everConnected = true
        sendMessage()
    }

    private func sendMessage() {
        guard case .connected(let wire) = phase else { return }
        sequence &+= 1
        messageSize = environment.payload.next(using: &random)
        echoedBytes = 0
        awaitedBytes = messageSize
        inFlightMissed = false
        sentAt = .now()
        if messageSize >= FlowHeader.size {
            wire.send(sentHeader, fillerCount: messageSize - FlowHeader.size, of: environment)
        } else {
            wire.send(nil, fillerCount: messageSize, of: environment)
        }
        wire.flush()
        context.shard.recordSend(.tcp, bytes: messageSize)
        tally?.sent(messageSize)
        nextSendDue = sentAt + environment.messageInterval
        scheduleWakeUp(min(nextSendDue, sentAt + environment.responseTimeout, lifetimeEnd))
    }

    private var sentHeader: FlowHeader {
        FlowHeader(sequence: sequence, flowID: context.flowID, sendTimeNanoseconds: sentAt.uptimeNanoseconds)
    }

    private func scheduleWakeUp(_ deadline: NIODeadline) {
        wakeUp.request(deadline, on: context.setup.wheel, for: self)
    }

    /// Decides what is due now: a reconnect, an overdue or stalled echo, the end, or the next message.
    func wokeUp() {
        let now = NIODeadline.now()
        wakeUp.fired(at: now)
        switch phase {
        case .ended:
            return
        case .connecting(let socket, let until):
            // Only the data plane's attempts have a deadline here.
            guard let socket, now >= until else { return }
            socket.close()
            return connectFailed(.connectTimeout, generation: generation)
        case .waitingToReconnect(let until):
            if now >= lifetimeEnd { return end() }
            return now >= until ? connect() : scheduleWakeUp(until)
        case .connected:
            break
        }
        if awaitedBytes > 0 {
            let responseDeadline = sentAt + environment.responseTimeout
            if !inFlightMissed, now >= responseDeadline { messageMissed() }
            // A message in flight at the end of the lifetime may still come back, until its deadline.
            if now >= lifetimeEnd, now >= responseDeadline { return end() }
            let stallDeadline = sentAt + environment.stallTimeout
            if now >= stallDeadline { return connectionBroke(.timeout) }
            return scheduleWakeUp(inFlightMissed ? min(stallDeadline, max(lifetimeEnd, responseDeadline)) : min(responseDeadline, stallDeadline))
        }
        if now >= lifetimeEnd { return end() }
        if now >= nextSendDue { return sendMessage() }
        scheduleWakeUp(min(nextSendDue, lifetimeEnd))
    }

    private func messageMissed() {
        inFlightMissed = true
        context.exchangeMissed()
        if tracker.missed(sentAt: sentAt, cause: .timeout) { context.outageStarted(at: sentAt, cause: .timeout) }
    }

    func connectionRead(_ bytes: UnsafeRawBufferPointer, generation attempt: Int) {
        guard attempt == generation, case .connected = phase else { return }
        guard bytes.count <= awaitedBytes, echoMatchesHeader(bytes) else {
            // More bytes than were sent, or different ones: whatever answered is not a pure echo.
            return connectionBroke(.corrupted)
        }
        echoedBytes += bytes.count
        awaitedBytes -= bytes.count
        tally?.received(bytes.count)
        if awaitedBytes == 0 { echoCompleted() }
    }

    private func echoMatchesHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard messageSize >= FlowHeader.size, echoedBytes < FlowHeader.size else { return true }
        return sentHeader.matches(bytes, fromHeaderOffset: echoedBytes)
    }

    private func echoCompleted() {
        let now = NIODeadline.now()
        let roundTrip = UInt64(max(0, (now - sentAt).nanoseconds))
        context.shard.recordEcho(.tcp, bytes: messageSize, roundTripNanoseconds: roundTrip)
        tally?.echoed(roundTrip: roundTrip)
        if !inFlightMissed, now <= sentAt + environment.responseTimeout, let ended = tracker.answered(sentAt: sentAt) {
            context.outageEnded(ended, at: sentAt)
        }
        if now >= lifetimeEnd { return end() }
        if now >= nextSendDue { return sendMessage() }
        scheduleWakeUp(min(nextSendDue, lifetimeEnd))
    }

    func connectionError(_ reason: FlowFailureReason, generation attempt: Int) {
        connectionBroke(reason, generation: attempt)
    }

    func connectionClosed(generation attempt: Int) {
        connectionBroke(.closed, generation: attempt)
    }

    private func connectionBroke(_ cause: FlowFailureReason, generation attempt: Int) {
        guard attempt == generation, case .connected = phase else { return }
        connectionBroke(cause)
    }

    /// The connection is gone (or given up): the outage starts now, or at the send time of the
    /// message it swallowed, and a new connection is opened at once.
    private func connectionBroke(_ cause: FlowFailureReason) {
        guard case .connected(let wire) = phase else { return }
        let now = NIODeadline.now()
        let swallowed = awaitedBytes > 0 && !inFlightMissed ? sentAt : nil
        if swallowed != nil { context.exchangeMissed() }
        if tracker.broke(at: now, cause: cause, inFlightSince: swallowed) {
            context.outageStarted(at: tracker.open!.start, cause: cause)
        }
        awaitedBytes = 0
        closeSocket(wire)
        context.shard.update { $0.disruption.connectionsLost += 1 }
        if now >= lifetimeEnd { return end() }
        connect()
    }

    private func closeSocket(_ wire: any FlowWire) {
        generation += 1
        let retransmits = wire.totalRetransmits
        context.shard.update { $0.counters.tcp.tcpRetransmits += retransmits }
        tally?.tcpRetransmits += retransmits
        wire.close()
    }

    func stop() {
        end()
    }

    /// Ends the flow once: an outage still open is recorded as ongoing, and the flow counts as
    /// failed for its cause; otherwise it completed.
    private func end() {
        if case .ended = phase { return }
        switch phase {
        case .connected(let wire): closeSocket(wire)
        case .connecting(let socket, _):
            socket?.close()
            generation += 1
        default: generation += 1
        }
        phase = .ended
        context.setup.openFlows.leave(self)
        let now = NIODeadline.now()
        let unrecovered = tracker.open
        if let unrecovered { context.outageEnded(unrecovered, at: max(now, unrecovered.start), ongoing: true) }
        context.shard.update { state in
            if let unrecovered { state.counters.tcp.recordFailure(unrecovered.cause) } else { state.counters.tcp.flowsCompleted += 1 }
        }
        context.recordFlow(tally, .tcp, failure: unrecovered?.cause)
        environment.statistics.flowClosed(.tcp)
        environment.statistics.flowSettled()
    }
}
