import FlowTestDataPlane
import FlowTestProtocols
import FlowTestShared
import NIOCore

/// Drives one UDP flow on its own connected socket (its own source port, so a real 5-tuple).
///
/// Datagrams carry the measurement header; echoes are matched by sequence number, which gives
/// round-trip time, loss, duplicates, reordering and jitter (`UDPSequenceTracker`). With a message
/// interval datagrams are paced on a fixed grid regardless of replies; with interval 0 the next one
/// leaves when the echo is back, or when the response timeout declares it lost.
///
/// A `dns` flow sends DNS queries instead, their IDs the low 16 bits of the sequence: an answer
/// is matched by its ID, timed from the send time kept for the last `dnsWindow` queries, and
/// tracked like any echo (loss, duplicates, reordering, jitter).
///
/// The same logic runs on the data plane (`ClientSocket`, the default) and in a NIO pipeline
/// (`FLOWTEST_GENERATOR_NIO`); what differs is only the `FlowWire` it writes through.
final class UDPFlowHandler: ChannelInboundHandler, FlowOnLoop {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = ByteBuffer

    private let flowID: UInt64
    private let environment: FlowEnvironment
    private let shard: FlowStatisticsShard
    private let wheel: FlowTimerWheel
    private let openFlows: OpenFlows
    private let lifetimeEnd: NIODeadline
    private var random: SeededRandomNumberGenerator
    /// The socket: set once it is connected (UDP's connect only fixes the peer).
    private var wire: (any FlowWire)?
    private var tracker = UDPSequenceTracker()
    /// What the flow's datagrams and responses are like, shared with every flow of its kind.
    private let kind: TrafficKind
    /// Datagrams the flow sends before it ends; `.max` when only the lifetime ends it.
    private let datagramLimit: UInt64

    private var sent: UInt64 = 0
    private var firstSend = NIODeadline.uptimeNanoseconds(0)
    private var nextSendDue = NIODeadline.distantFuture
    private var longestRoundTrip: UInt64 = 0
    /// Set once the lifetime is over: the socket stays open until then for late echoes.
    private var drainEnd: NIODeadline?
    private var countedOpen = true
    private var finished = false
    private var wasActive = false
    private var wakeUp = FlowWakeUp()
    /// The flow's own figures for the flow log; nil when there is none.
    private let tally: FlowTally?
    /// Send times of the last `dnsWindow` queries, by sequence; empty unless the flow speaks DNS.
    private var querySentAt: [UInt64] = []
    /// Answers to older queries than this are too late to time, and are ignored as strays.
    static let dnsWindow = 64

    init(_ setup: FlowSetup) {
        (flowID, environment, shard, wheel, openFlows, lifetimeEnd) =
            (setup.flow.index, setup.environment, setup.shard, setup.wheel, setup.openFlows, setup.lifetimeEnd)
        var random = setup.makeRandom()
        tally = setup.tally
        let kind = setup.environment.kinds[setup.flow.kind]
        self.kind = kind
        if let messages = kind.messages { datagramLimit = UInt64(Int.random(in: messages, using: &random)) } else { datagramLimit = .max }
        self.random = random
        if kind.protocols[setup.flow.port] == .dns { querySentAt = Array(repeating: 0, count: Self.dnsWindow) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        wire = ChannelFlowWire(context, isStream: false)
    }

    /// Data plane: the flow's socket, connected as soon as the loop sees it writable.
    func connecting(on socket: ClientSocket) {
        wire = socket
    }

    func channelActive(context: ChannelHandlerContext) {
        activated()
        context.fireChannelActive()
    }

    /// The socket is ready: the flow starts with its first datagram.
    private func activated() {
        wasActive = true
        tally?.connected(wire?.localAddress)
        // Connected after a stop: end at once, so the flow is still counted in the final statistics.
        guard openFlows.enter(self) else { return finish(nil) }
        if let fireflies = environment.fireflies, let tally { fireflies.announce(.start, .udp, tally: tally) }
        firstSend = .now()
        sendDatagram()
    }

    private func sendDatagram() {
        guard let wire, drainEnd == nil, !finished else { return }
        var size = kind.request.next(using: &random)
        let sizes = kind.response.map { FlowHeader.MessageSizes(request: UInt32(size), response: UInt32($0.next(using: &random))) }
        let now = NIODeadline.now()
        if querySentAt.isEmpty {
            // Sequence numbers start at 0 so the tracker's bitmap starts at its first word.
            let header = FlowHeader(sequence: UInt32(truncatingIfNeeded: sent), flowID: flowID, sendTimeNanoseconds: now.uptimeNanoseconds, sizes: sizes)
            wire.send(header, fillerCount: size - header.encodedSize, of: environment)
        } else {
            var query: [UInt8] = []
            DNSMessage.appendQuery(
                id: UInt16(truncatingIfNeeded: sent), name: kind.names.dnsName, size: size, responseSize: Int(sizes?.response ?? UInt32(size)),
                flowID: flowID, into: &query)
            querySentAt[Int(sent % UInt64(Self.dnsWindow))] = now.uptimeNanoseconds
            wire.send(query)
            size = query.count
        }
        wire.flush()
        sent += 1
        shard.recordSend(.udp, bytes: size, pattern: kind.patternSlot)
        tally?.sent(size)
        // Paced: a fixed grid from the first send, so late wake-ups never lower the rate.
        // Back-to-back: the echo triggers the next send; the response timeout covers a lost one.
        nextSendDue =
            environment.messageInterval == .zero
            ? now + environment.responseTimeout : firstSend + environment.messageInterval * Int64(sent)
        // The last datagram of a counted flow: the flow ends when every echo is in, or one
        // response timeout from now (then drains, and what is missing counts as lost).
        if sent >= datagramLimit { nextSendDue = now + environment.responseTimeout }
        scheduleWakeUp(min(nextSendDue, lifetimeEnd))
    }

    private func scheduleWakeUp(_ deadline: NIODeadline) {
        wakeUp.request(deadline, on: wheel, for: self)
    }

    /// Decides what is due now: the end of the drain, the end of the lifetime, or the next datagram.
    func wokeUp() {
        let now = NIODeadline.now()
        wakeUp.fired(at: now)
        guard !finished else { return }
        if let drainEnd {
            return now >= drainEnd ? finish(nil) : scheduleWakeUp(drainEnd)
        }
        if now >= lifetimeEnd {
            return lifetimeEnded(now: now)
        }
        if now >= nextSendDue {
            if sent >= datagramLimit { return lifetimeEnded(now: now) }
            sendDatagram()
        } else {
            scheduleWakeUp(min(nextSendDue, lifetimeEnd))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).data.withUnsafeReadableBytes { received($0) }
    }

    /// A datagram arrived: an echo (or a DNS answer) of this flow's, or a stray.
    private func received(_ datagram: UnsafeRawBufferPointer) {
        guard !finished else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        let sequence: UInt32
        let sentAt: UInt64
        if querySentAt.isEmpty {
            // Anything without our header, or for another flow, is not an echo of this flow.
            guard let header = FlowHeader(peekingAt: datagram), header.flowID == flowID else { return }
            (sequence, sentAt) = (header.sequence, header.sendTimeNanoseconds)
        } else {
            guard let query = answeredQuery(datagram) else { return }
            (sequence, sentAt) = (UInt32(truncatingIfNeeded: query), querySentAt[Int(query % UInt64(Self.dnsWindow))])
        }
        let roundTrip = now > sentAt ? now - sentAt : 0
        switch tracker.record(sequence: sequence, roundTripNanoseconds: roundTrip) {
        case .duplicate:
            shard.update { $0.countUDP(\.udpDuplicates, pattern: kind.patternSlot) }
        case .first(let reordered):
            longestRoundTrip = max(longestRoundTrip, roundTrip)
            shard.recordEcho(.udp, bytes: datagram.count, roundTripNanoseconds: roundTrip, pattern: kind.patternSlot)
            tally?.received(datagram.count)
            tally?.echoed(roundTrip: roundTrip)
            if reordered { shard.update { $0.countUDP(\.udpReordered, pattern: kind.patternSlot) } }
            let isLatest = UInt64(sequence) == sent - 1
            if sent >= datagramLimit, tracker.received >= sent {
                // Every datagram of a counted flow is back: the flow is done.
                return finish(nil)
            }
            if environment.messageInterval == .zero, isLatest, sent < datagramLimit, NIODeadline.now() < lifetimeEnd {
                sendDatagram()
            }
        }
    }

    /// The sequence of the query a DNS answer is for, by its ID among the last `dnsWindow`
    /// sent; nil for an answer to none of them. An answer that is not DNS, or says the query
    /// failed (FORMERR, REFUSED), fails the flow as corrupted.
    private func answeredQuery(_ answer: UnsafeRawBufferPointer) -> UInt64? {
        let id: UInt16
        do {
            id = try DNSMessage.answerID(answer)
        } catch {
            environment.reportProtocolError(error)
            finish(.corrupted)
            return nil
        }
        guard sent > 0 else { return nil }
        let back = UInt64(UInt16(truncatingIfNeeded: sent - 1) &- id)
        guard back < min(UInt64(Self.dnsWindow), sent) else { return nil }
        return sent - 1 - back
    }

    private func lifetimeEnded(now: NIODeadline) {
        // The flow is over when its lifetime is; the socket only stays open to catch late echoes,
        // for a few round trips, before the missing ones count as lost.
        leaveOpenFlows()
        let drain = min(
            environment.responseTimeout,
            longestRoundTrip == 0 ? environment.responseTimeout : max(.milliseconds(50), .nanoseconds(Int64(longestRoundTrip) * 4)))
        drainEnd = now + drain
        scheduleWakeUp(now + drain)
    }

    func stop() {
        finish(nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // On a connected UDP socket an ICMP port-unreachable surfaces as ECONNREFUSED.
        finish(FlowFailureReason(classifying: error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.closed)
        context.fireChannelInactive()
    }

    /// Ends the flow once, settling loss and jitter, then closes the socket.
    private func finish(_ failure: FlowFailureReason?) {
        guard !finished, wasActive, let wire else { return }
        finished = true
        wakeUp.cancel(on: wheel, for: self)
        openFlows.leave(self)
        let lost = tracker.lost(sent: sent)
        let jitterSeconds = tracker.jitterNanoseconds / 1e9
        let measuredJitter = tracker.received > 1
        shard.update { state in
            state.countUDP(\.udpLost, lost, pattern: kind.patternSlot)
            if measuredJitter { state.recordUDPJitter(seconds: jitterSeconds, pattern: kind.patternSlot) }
            if let failure { state.counters.udp.recordFailure(failure) } else { state.counters.udp.flowsCompleted += 1 }
            state.recordOutcome(pattern: kind.patternSlot, failure: failure)
        }
        if let fireflies = environment.fireflies, let tally { fireflies.announce(.end, .udp, tally: tally) }
        if let tally, let log = environment.flowLog {
            (tally.udpLost, tally.udpDuplicated, tally.udpReordered) = (lost, tracker.duplicates, tracker.reordered)
            log.record(tally.record(flowID: flowID, .udp, failure: failure, clock: environment.statistics.clock))
        }
        leaveOpenFlows()
        environment.statistics.flowSettled()
        wire.close()
    }

    private func leaveOpenFlows() {
        guard countedOpen else { return }
        countedOpen = false
        environment.statistics.flowClosed(.udp)
    }
}

/// The data plane's socket reports to the flow (`ClientSocket`).
extension UDPFlowHandler: ClientSocketDelegate {
    func socketConnected() {
        activated()
    }

    func socketReceived(_ bytes: UnsafeRawBufferPointer) {
        received(bytes)
    }

    func socketFailed(errno: Int32) {
        wasActive = true
        finish(FlowFailureReason(errno: errno))
    }

    func socketReported(errno: Int32) {
        // On a connected UDP socket an ICMP port-unreachable surfaces as ECONNREFUSED: the flow
        // fails with it, as it did on NIO's loops.
        finish(FlowFailureReason(errno: errno))
    }

    func socketPeerClosed() {
        finish(.closed)
    }
}
