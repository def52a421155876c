import FlowTestDataPlane
import FlowTestProtocols
import FlowTestShared
import NIOCore

/// Drives one TCP flow: send a message, wait for its whole echo, record the round trip, pause
/// for the message interval, repeat until the flow's lifetime is over.
///
/// One message is in flight at a time, so a round trip is exactly "last byte written → last byte
/// of its echo read", and the echo can be checked byte for byte against the header that was sent.
/// Everything runs on the flow's loop; the handler is never shared. The same logic runs on the
/// data plane (`ClientSocket`, the default: `ClientSocketDelegate`) and in a NIO pipeline
/// (`FLOWTEST_GENERATOR_NIO`); what differs is only the `FlowWire` it writes through.
///
/// A built-in pattern's flow speaks its protocol instead (`ClientConversation`): its opening
/// (a ClientHello, a startup message) first, then one request per exchange, each complete when
/// the conversation says its response is; the round trip is still first byte written to last
/// byte read, and a reply the protocol does not allow fails the flow as corrupted.
final class TCPFlowHandler: ChannelDuplexHandler, FlowOnLoop {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let flowID: UInt64
    private let environment: FlowEnvironment
    private let shard: FlowStatisticsShard
    private let wheel: FlowTimerWheel
    private let openFlows: OpenFlows
    private let lifetimeEnd: NIODeadline
    private var random: SeededRandomNumberGenerator
    /// The socket: set once the connect is under way.
    private var wire: (any FlowWire)?
    /// What the flow's messages and responses are like, shared with every flow of its kind.
    private let kind: TrafficKind
    /// Exchanges left before the flow ends; `.max` when only the lifetime ends it. 32 bits, so it
    /// shares a word with `sequence`: every open flow has a handler.
    private var exchangesLeft: UInt32

    private var sequence: UInt32 = 0
    /// Bytes of the current message's echo still to come; 0 when nothing is in flight.
    private var awaitedBytes = 0
    private var messageSize = 0
    private var echoedBytes = 0
    private var sentAt = NIODeadline.uptimeNanoseconds(0)
    private var nextSendDue = NIODeadline.distantFuture
    /// The response asked for by the message in flight: its size, or 0 for a plain echo.
    private var responseSize: UInt32 = 0
    private var finished = false
    private var wasActive = false
    /// Data plane: when a connect still under way times out (NIO's bootstrap times its own).
    private var connectDeadline: NIODeadline?
    /// Whether a firefly announced the start (not for a connect that failed).
    private var startAnnounced = true
    private var wakeUp = FlowWakeUp()
    /// The flow's own figures for the flow log; nil when there is none.
    private let tally: FlowTally?
    /// The flow's protocol; nil: FlowTest's own framing, checked against the header sent.
    private var conversation: ClientConversation?
    /// The conversation's opening is under way: the bytes awaited are its reply.
    private var opening = false
    /// The opening's bytes both ways, counted with the first exchange's.
    private var openingSent = 0
    private var openingReceived = 0
    /// The goodbye was sent and its answer is awaited (SMTP's 221): the flow ends with it.
    private var sayingGoodbye = false
    private var farewellSent = 0
    private var farewellReceived = 0

    init(_ setup: FlowSetup) {
        (flowID, environment, shard, wheel, openFlows, lifetimeEnd) =
            (setup.flow.index, setup.environment, setup.shard, setup.wheel, setup.openFlows, setup.lifetimeEnd)
        var random = setup.makeRandom()
        tally = setup.tally
        let kind = setup.environment.kinds[setup.flow.kind]
        self.kind = kind
        conversation = kind.conversation(port: setup.flow.port, flowID: setup.flow.index)
        if let messages = kind.messages { exchangesLeft = UInt32(Int.random(in: messages, using: &random)) } else { exchangesLeft = .max }
        self.random = random
    }

    func handlerAdded(context: ChannelHandlerContext) {
        wire = ChannelFlowWire(context, isStream: true)
    }

    func connect(context: ChannelHandlerContext, to address: SocketAddress, promise: EventLoopPromise<Void>?) {
        context.connect(to: address, promise: promise)
        // The kernel binds the source port when the SYN leaves: the flow log keeps it even if the
        // connect then fails (a SYN that a policy dropped).
        tally?.connected(wire?.localAddress)
    }

    /// Data plane: the connect is under way on `socket`; it must complete by `deadline`.
    func connecting(on socket: ClientSocket, deadline: NIODeadline) {
        wire = socket
        connectDeadline = deadline
        tally?.connected(socket.localAddress)
        scheduleWakeUp(deadline)
    }

    func channelActive(context: ChannelHandlerContext) {
        activated()
        context.fireChannelActive()
    }

    /// The connect completed: the flow starts (its protocol's opening, or its first message).
    private func activated() {
        wasActive = true
        connectDeadline = nil
        tally?.connected(wire?.localAddress)
        // Connected after a stop: end at once, so the flow is still counted in the final statistics.
        guard openFlows.enter(self) else { return finish(nil) }
        if let fireflies = environment.fireflies, let tally { fireflies.announce(.start, .tcp, tally: tally) }
        if conversation != nil { advanceOpening() } else { sendMessage() }
    }

    /// Sends the conversation's next opening step; once it is done, the first request.
    private func advanceOpening() {
        guard let wire, !finished, conversation != nil else { return }
        var bytes: [UInt8] = []
        let step = conversation!.nextOpening(into: &bytes)
        openingSent += bytes.count
        tally?.sent(bytes.count)
        if !bytes.isEmpty { wire.send(bytes) }
        guard step == .awaitReply else {
            opening = false
            return sendMessage()
        }
        wire.flush()
        opening = true
        awaitedBytes = 1
        sentAt = .now()
        scheduleWakeUp(min(sentAt + environment.responseTimeout, lifetimeEnd))
    }

    private func sendMessage() {
        guard let wire, !finished else { return }
        sequence &+= 1
        messageSize = kind.request.next(using: &random)
        responseSize = kind.response.map { UInt32($0.next(using: &random)) } ?? 0
        echoedBytes = 0
        awaitedBytes = responseSize == 0 ? messageSize : Int(responseSize)
        sentAt = .now()
        if conversation != nil {
            // The protocol's request: its size is what was drawn, or its smallest message.
            var bytes: [UInt8] = []
            conversation!.appendRequest(size: messageSize, responseSize: awaitedBytes, into: &bytes)
            messageSize = bytes.count + openingSent
            openingSent = 0
            wire.send(bytes)
            wire.flush()
            tally?.sent(bytes.count)
            shard.recordSend(.tcp, bytes: messageSize, pattern: kind.patternSlot)
            nextSendDue = environment.messageInterval == .zero ? .distantFuture : sentAt + environment.messageInterval
            return scheduleWakeUp(min(nextSendDue, sentAt + environment.responseTimeout, lifetimeEnd))
        }
        // Validation keeps both sizes of a sized message at least the sized header's 32 bytes;
        // a plain message shorter than its header is filler alone.
        if responseSize > 0 || messageSize >= FlowHeader.size {
            let header = sentHeader
            wire.send(header, fillerCount: messageSize - header.encodedSize, of: environment)
        } else {
            wire.send(nil, fillerCount: messageSize, of: environment)
        }
        wire.flush()
        shard.recordSend(.tcp, bytes: messageSize, pattern: kind.patternSlot)
        tally?.sent(messageSize)
        nextSendDue = environment.messageInterval == .zero ? .distantFuture : sentAt + environment.messageInterval
        // Paced flows wake for the next send (and check the echo then); back-to-back flows only
        // need waking if the echo is late.
        let responseDeadline = sentAt + environment.responseTimeout
        scheduleWakeUp(min(nextSendDue, responseDeadline, lifetimeEnd))
    }

    private func scheduleWakeUp(_ deadline: NIODeadline) {
        wakeUp.request(deadline, on: wheel, for: self)
    }

    /// Decides what is due now: a late echo, the end of the lifetime, or the next message.
    func wokeUp() {
        let now = NIODeadline.now()
        wakeUp.fired(at: now)
        guard !finished else { return }
        if let connectDeadline {
            // Still connecting on the data plane: the connect's own deadline.
            if now >= connectDeadline { connectFailed(.connectTimeout) } else { scheduleWakeUp(connectDeadline) }
            return
        }
        if awaitedBytes > 0 {
            let responseDeadline = sentAt + environment.responseTimeout
            // A message in flight at the end of the lifetime may still come back, until its deadline.
            // A goodbye the server does not answer still ends a flow whose exchanges all did.
            if now >= responseDeadline { return finish(sayingGoodbye ? nil : .timeout) }
            scheduleWakeUp(now >= lifetimeEnd ? responseDeadline : min(responseDeadline, lifetimeEnd))
        } else if now >= lifetimeEnd {
            finishCleanly()
        } else if now >= nextSendDue {
            sendMessage()
        } else {
            scheduleWakeUp(min(nextSendDue, lifetimeEnd))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).withUnsafeReadableBytes { received($0) }
    }

    /// Bytes of the server's answer arrived.
    private func received(_ bytes: UnsafeRawBufferPointer) {
        guard !finished else { return }
        if conversation != nil { return conversationRead(bytes) }
        guard bytes.count <= awaitedBytes, echoMatchesHeader(bytes) else {
            // More bytes than were sent, or different ones: whatever answered is not a pure echo.
            return finish(.corrupted)
        }
        echoedBytes += bytes.count
        awaitedBytes -= bytes.count
        tally?.received(bytes.count)
        if awaitedBytes == 0 { echoCompleted() }
    }

    /// Feeds the server's bytes to the conversation: the opening's reply, or the response's.
    private func conversationRead(_ bytes: UnsafeRawBufferPointer) {
        // Bytes nothing asked for: the server spoke out of turn.
        guard awaitedBytes > 0 else { return finish(.corrupted) }
        let complete: Bool
        do {
            complete = try conversation!.consume(bytes)
        } catch {
            environment.reportProtocolError(error)
            return finish(.corrupted)
        }
        tally?.received(bytes.count)
        if sayingGoodbye {
            farewellReceived += bytes.count
            return complete ? finish(nil) : ()
        }
        guard !opening else {
            openingReceived += bytes.count
            if complete {
                awaitedBytes = 0
                advanceOpening()
            }
            return
        }
        echoedBytes += bytes.count
        if complete {
            awaitedBytes = 0
            echoedBytes += openingReceived
            openingReceived = 0
            echoCompleted()
        }
    }

    /// The header of the message in flight, rebuilt from the flow's state rather than kept.
    private var sentHeader: FlowHeader {
        FlowHeader(
            sequence: sequence, flowID: flowID, sendTimeNanoseconds: sentAt.uptimeNanoseconds,
            sizes: responseSize == 0 ? nil : FlowHeader.MessageSizes(request: UInt32(messageSize), response: responseSize))
    }

    /// Whether the bytes of `bytes` that overlap the header equal the header that was sent.
    private func echoMatchesHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let headerSize = responseSize == 0 ? FlowHeader.size : FlowHeader.sizedSize
        guard responseSize > 0 || messageSize >= FlowHeader.size, echoedBytes < headerSize else { return true }
        return sentHeader.matches(bytes, fromHeaderOffset: echoedBytes)
    }

    private func echoCompleted() {
        let now = NIODeadline.now()
        let roundTrip = UInt64(max(0, (now - sentAt).nanoseconds))
        shard.recordEcho(.tcp, bytes: echoedBytes, roundTripNanoseconds: roundTrip, pattern: kind.patternSlot)
        tally?.echoed(roundTrip: roundTrip)
        if exchangesLeft != .max { exchangesLeft -= 1 }
        if now >= lifetimeEnd || exchangesLeft == 0 { return finishCleanly() }
        // Back-to-back, or an echo slower than the interval: the next message leaves now.
        if environment.messageInterval == .zero || now >= nextSendDue { return sendMessage() }
        // Otherwise the wake-up already pending for the next send takes it from here.
    }

    func stop() {
        finish(nil)
    }

    /// Ends a flow whose exchanges are done: with the protocol's goodbye first, if it has one,
    /// and, if the server answers that (SMTP's 221), once the answer is in.
    private func finishCleanly() {
        guard let wire, conversation != nil, !sayingGoodbye, !finished else { return finish(nil) }
        var farewell: [UInt8] = []
        let answered = conversation!.appendFarewell(into: &farewell)
        farewellSent = farewell.count
        tally?.sent(farewell.count)
        guard !farewell.isEmpty else { return finish(nil) }
        wire.send(farewell)
        wire.flush()
        guard answered else { return finish(nil) }
        sayingGoodbye = true
        awaitedBytes = 1
        sentAt = .now()
        scheduleWakeUp(sentAt + environment.responseTimeout)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(FlowFailureReason(classifying: error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        peerClosed()
        context.fireChannelInactive()
    }

    private func peerClosed() {
        // A server that closes after its goodbye (SMTP's 221) ends the flow as it should.
        finish(sayingGoodbye ? nil : .closed)
    }

    /// Data plane: the connect failed or timed out; the flow ends failed, as a connect that NIO's
    /// bootstrap failed is counted by the launcher.
    private func connectFailed(_ reason: FlowFailureReason) {
        guard !finished, !wasActive else { return }
        wasActive = true
        connectDeadline = nil
        startAnnounced = false
        finish(reason)
    }

    /// Ends the flow once: records it as completed (`failure == nil`) or failed, then closes.
    private func finish(_ failure: FlowFailureReason?) {
        guard !finished, wasActive, let wire else { return }
        finished = true
        wakeUp.cancel(on: wheel, for: self)
        openFlows.leave(self)
        let retransmits = wire.totalRetransmits
        shard.update { state in
            // The goodbye's bytes: on the wire, so in the figures, though no exchange's.
            state.counters.tcp.bytesSent += UInt64(farewellSent)
            state.counters.tcp.bytesReceived += UInt64(farewellReceived)
            if let slot = kind.patternSlot {
                state.patterns[slot].counters.bytesSent += UInt64(farewellSent)
                state.patterns[slot].counters.bytesReceived += UInt64(farewellReceived)
            }
            state.counters.tcp.tcpRetransmits += retransmits
            if let failure { state.counters.tcp.recordFailure(failure) } else { state.counters.tcp.flowsCompleted += 1 }
            state.recordOutcome(pattern: kind.patternSlot, failure: failure)
        }
        if startAnnounced, let fireflies = environment.fireflies, let tally { fireflies.announce(.end, .tcp, tally: tally) }
        if let tally, let log = environment.flowLog {
            tally.tcpRetransmits = retransmits
            log.record(tally.record(flowID: flowID, .tcp, failure: failure, clock: environment.statistics.clock))
        }
        environment.statistics.flowClosed(.tcp)
        environment.statistics.flowSettled()
        wire.close()
    }
}

/// The data plane's socket reports to the flow (`ClientSocket`).
extension TCPFlowHandler: ClientSocketDelegate {
    func socketConnected() {
        activated()
    }

    func socketReceived(_ bytes: UnsafeRawBufferPointer) {
        received(bytes)
    }

    func socketFailed(errno: Int32) {
        if wasActive { finish(FlowFailureReason(errno: errno)) } else { connectFailed(FlowFailureReason(connectErrno: errno)) }
    }

    func socketPeerClosed() {
        peerClosed()
    }

    /// Only datagram sockets report.
    func socketReported(errno: Int32) {}
}
