import FlowTestProtocols
import FlowTestShared
import NIOCore

/// Sends every byte of a TCP connection back unchanged (DESIGN.md, decision 1).
///
/// A plain `ChannelHandler` rather than async code: echoing is pure wire work, and staying on the
/// event loop keeps the per-connection cost to a few hundred bytes. Writes are flushed once per read
/// burst. Reading stops while the peer is not reading its echoes (what NIO's `BackPressureHandler`
/// does, done here because a second handler cost every open connection another few hundred bytes).
final class TCPEchoHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counters: EchoListenerCounters
    private let table: EchoConnectionTable
    private var context: ChannelHandlerContext?
    /// When bytes last arrived, if the table closes idle connections; its sweep reads it on this
    /// connection's event loop.
    private(set) var lastActivity = NIODeadline.now()
    /// Whether the table admitted this connection (a refused one is closed at once, uncounted).
    private var admitted = false
    /// A read was asked for while the channel was not writable; it is issued once it is again.
    private var readPending = false
    /// Whether the first bytes have shown what kind of stream this is.
    private var streamKnown = false
    /// Set for a stream of sized requests (a custom pattern's); nil keeps the pure echo.
    private var framing: SizedRequestFraming?
    /// Set for a stream in a built-in pattern's protocol, answered as its server would.
    private var responder: ProtocolResponder?
    /// The responder has said its last (an error reply, a goodbye): later bytes are dropped.
    private var responderDone = false
    /// The connection's figures for the flow log; nil without one.
    private var tally: EchoTCPTally?

    init(counters: EchoListenerCounters, table: EchoConnectionTable) {
        self.counters = counters
        self.table = table
    }

    func channelActive(context: ChannelHandlerContext) {
        // Past the cap a connection is closed as soon as it is up and counted as refused: the
        // client learns at once instead of waiting in the backlog, and the server never runs out
        // of descriptors for its metrics endpoint.
        guard table.admit(self, on: context.eventLoop) else {
            counters.connectionsRefused.wrappingAdd(1, ordering: .relaxed)
            context.close(promise: nil)
            return
        }
        admitted = true
        self.context = context
        if table.flowLog != nil { tally = EchoTCPTally(context.channel) }
        counters.connectionsAccepted.wrappingAdd(1, ordering: .relaxed)
        counters.connectionsActive.wrappingAdd(1, ordering: .relaxed)
        greetIfServerFirst(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            table.remove(self, on: context.eventLoop)
            counters.connectionsActive.wrappingSubtract(1, ordering: .relaxed)
            if let tally, let log = table.flowLog { log.record(tally.record(clock: log.clock)) }
            tally = nil
        }
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = UInt64(buffer.readableBytes)
        tally?.received(buffer)
        if table.idleTimeout != nil { lastActivity = .now() }
        counters.bytesReceived.wrappingAdd(bytes, ordering: .relaxed)
        if !streamKnown {
            streamKnown = true
            if SizedRequestFraming.startsSizedStream(buffer) { framing = SizedRequestFraming(allocator: context.channel.allocator) }
            responder = buffer.withUnsafeReadableBytes { ProtocolResponder(firstBytes: $0) }
        }
        if responder != nil { return respond(buffer, context: context) }
        guard let framing else {
            counters.bytesSent.wrappingAdd(bytes, ordering: .relaxed)
            return context.write(data, promise: nil)
        }
        do {
            let answered = try framing.consume(&buffer) { header, size in
                counters.sizedResponses.wrappingAdd(1, ordering: .relaxed)
                SizedRequestFraming.writeResponse(header: header, size: size) { context.write(wrapOutboundOut($0), promise: nil) }
            }
            counters.bytesSent.wrappingAdd(UInt64(answered), ordering: .relaxed)
            tally?.answered(answered)
        } catch {
            // A peer that broke the sized stream's framing: its next bytes cannot be answered.
            counters.malformedRequests.wrappingAdd(1, ordering: .relaxed)
            table.logger?.warning("closing a connection that broke FlowTest's sized requests", metadata: [
                "peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error.description)",
            ])
            context.flush()
            context.close(promise: nil)
        }
    }

    /// On a port whose protocol's server speaks first (MySQL, SMTP, FTP), sends its greeting.
    private func greetIfServerFirst(context: ChannelHandlerContext) {
        var greeting: [UInt8] = []
        guard let port = counters.protocolPort, let responder = ProtocolResponder(acceptedOn: port, greeting: &greeting) else { return }
        (self.responder, streamKnown) = (responder, true)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: greeting)), promise: nil)
        counters.bytesSent.wrappingAdd(UInt64(greeting.count), ordering: .relaxed)
        tally?.answered(greeting.count)
    }

    /// Answers the bytes of a protocol's stream; closes after an error reply or a goodbye.
    private func respond(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard !responderDone else { return }
        var reply: [UInt8] = []
        let outcome = buffer.withUnsafeReadableBytes { responder!.consume($0, into: &reply) }
        if !reply.isEmpty { context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil) }
        counters.sizedResponses.wrappingAdd(UInt64(outcome.answered), ordering: .relaxed)
        counters.bytesSent.wrappingAdd(UInt64(reply.count), ordering: .relaxed)
        tally?.answered(reply.count)
        if let flowID = outcome.flowID { tally?.identified(flowID) }
        if let malformed = outcome.malformed {
            counters.malformedRequests.wrappingAdd(1, ordering: .relaxed)
            table.logger?.warning("answered a request that broke its protocol with the protocol's error, and closed the connection", metadata: [
                "peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(malformed)",
            ])
        }
        if outcome.closes {
            responderDone = true
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, readPending {
            readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Closes the connection for having been idle longer than the table's idle timeout.
    func closeForIdleness() {
        guard let context else { return }
        counters.connectionsTimedOut.wrappingAdd(1, ordering: .relaxed)
        tally?.failure = .timeout
        context.close(promise: nil)
    }

    /// Closes the connection (shutdown).
    func close() {
        context?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or broken pipe from one peer ends that connection only.
        tally?.failure = FlowFailureReason(classifying: error)
        context.close(promise: nil)
    }
}
