import CDataPlane
import FlowTestProtocols
import FlowTestShared

#if canImport(Glibc)
import Glibc
#endif

/// TCP: accepting, echoing (or answering sized requests), back-pressure and closing.
extension EchoLoopDriver {
    func accept(_ index: Int) {
        let listener = listeners[index]
        guard listener.descriptor >= 0 else { return }
        for _ in 0..<Self.acceptBudget {
            let descriptor = cdp_accept(listener.descriptor)
            if descriptor < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED, EPROTO: continue
                // Out of descriptors or memory: the connection waits in the backlog; try again
                // at the next tick (edge-triggered, no new event would come for it).
                default:
                    acceptRetry.append(index)
                    return
                }
            }
            admit(descriptor, listener: index)
        }
        deferredAccepts.append(index)
    }

    /// Takes an accepted connection on, or closes it at once past the cap (counted as refused:
    /// the client learns at once, and the echo never runs out of descriptors for its endpoints).
    private func admit(_ descriptor: Int32, listener index: Int) {
        let shard = listeners[index].shard
        guard limits.admit() else {
            shard.connectionsRefused.bump()
            Glibc.close(descriptor)
            return
        }
        guard loop.register(descriptor, token: Self.token(.connection, Int(descriptor)), flags: cdp_epollin | cdp_epollout | cdp_epollrdhup) else {
            limits.release()
            Glibc.close(descriptor)
            return
        }
        let slot = Int(descriptor)
        if slot >= connections.count { connections.append(contentsOf: repeatElement(nil, count: max(slot + 1 - connections.count, connections.count))) }
        var connection = TCPEchoConnection(listener: index, liveIndex: live.count, lastActivity: clock)
        if limits.observer != nil { connection.summary = Self.summary(descriptor) }
        connections[slot] = connection
        live.append(descriptor)
        shard.connectionsAccepted.bump()
        shard.connectionsActive.bump(1)
        // A server that speaks first (MySQL, SMTP, FTP) greets the connection now.
        if let port = listeners[index].protocolPort {
            scratch.removeAll(keepingCapacity: true)
            if let responder = ProtocolResponder(acceptedOn: port, greeting: &scratch) {
                connections[slot]!.responder = responder
                connections[slot]!.streamKnown = true
                shard.bytesSent.bump(UInt64(scratch.count))
                connections[slot]!.summary?.bytesSent += UInt64(scratch.count)
                let greeted = scratch.withUnsafeBytes { emit(descriptor, $0) }
                if !greeted { close(descriptor, failure: FlowFailureReason(errno: errno)) }
            }
        }
    }

    func readable(_ descriptor: Int32) {
        let slot = Int(descriptor)
        guard slot < connections.count, let connection = connections[slot], !connection.readBlocked else { return }
        for _ in 0..<Self.readBudget {
            let count = read(descriptor, readBuffer.baseAddress, readBuffer.count)
            if count > 0 {
                guard received(descriptor, count: count) else { return }
                // A short read emptied the socket; bytes arriving after it raise a new edge. Not
                // the end of stream, when it came with them: read on until it is returned.
                if count < readBuffer.count, !(connections[slot]?.peerClosing ?? false) { return }
                continue
            }
            if count == 0 { return close(descriptor, failure: nil) }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return
            case EINTR: continue
            default: return close(descriptor, failure: FlowFailureReason(errno: errno))
            }
        }
        deferredReads.append(descriptor)
    }

    /// Answers `count` bytes just read into the loop's buffer. False when the connection closed
    /// or stopped reading (its peer is not keeping up).
    private func received(_ descriptor: Int32, count: Int) -> Bool {
        let slot = Int(descriptor)
        let shard = listeners[connections[slot]!.listener].shard
        let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[..<count])
        shard.bytesReceived.bump(UInt64(count))
        connections[slot]!.lastActivity = clock
        if connections[slot]!.summary != nil { noteReceived(slot, bytes) }
        if !connections[slot]!.arrivalInspected {
            connections[slot]!.arrivalInspected = true
            listeners[connections[slot]!.listener].inspector?.connection(descriptor: descriptor)
        }
        if !connections[slot]!.streamKnown {
            connections[slot]!.streamKnown = true
            if SizedWire.startsSized(bytes) {
                connections[slot]!.sized = SizedRequestReader()
            } else {
                connections[slot]!.responder = ProtocolResponder(firstBytes: bytes)
            }
        }
        if connections[slot]!.responder != nil { return respond(descriptor, bytes, shard: shard) }
        var sent = true
        if connections[slot]!.sized == nil {
            shard.bytesSent.bump(UInt64(count))
            connections[slot]!.summary?.bytesSent += UInt64(count)
            sent = emit(descriptor, bytes)
        } else {
            var reader = connections[slot]!.sized!
            var answered = 0
            do {
                try reader.consume(bytes) { header, size in
                    shard.sizedResponses.bump()
                    answered += size
                    sent = sent && emit(descriptor, header) && emitFiller(descriptor, size - header.count)
                }
            } catch {
                // A peer that broke the sized stream's framing: its next bytes cannot be answered.
                shard.malformedRequests.bump()
                close(descriptor, failure: nil)
                return false
            }
            connections[slot]!.sized = reader
            shard.bytesSent.bump(UInt64(answered))
            connections[slot]!.summary?.bytesSent += UInt64(answered)
        }
        guard sent else {
            close(descriptor, failure: FlowFailureReason(errno: errno))
            return false
        }
        if let output = connections[slot]!.output, !output.isEmpty {
            connections[slot]!.readBlocked = true
            return false
        }
        return true
    }

    /// Answers the bytes of a protocol's stream as its server would; after an error reply or a
    /// goodbye the connection reads no more and closes once its output is written.
    private func respond(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, shard: EchoCounterShard) -> Bool {
        let slot = Int(descriptor)
        guard !connections[slot]!.closeWhenDrained else { return false }
        scratch.removeAll(keepingCapacity: true)
        let outcome = connections[slot]!.responder!.consume(bytes, into: &scratch)
        shard.sizedResponses.bump(UInt64(outcome.answered))
        shard.bytesSent.bump(UInt64(scratch.count))
        connections[slot]!.summary?.bytesSent += UInt64(scratch.count)
        // A protocol's flow names itself in its own place (a header, a startup parameter).
        if let flowID = outcome.flowID { connections[slot]!.summary?.flowID = flowID }
        if outcome.malformed != nil { shard.malformedRequests.bump() }
        let sent = scratch.isEmpty || scratch.withUnsafeBytes { emit(descriptor, $0) }
        guard sent else {
            close(descriptor, failure: FlowFailureReason(errno: errno))
            return false
        }
        let pending = !(connections[slot]!.output?.isEmpty ?? true)
        if outcome.closes {
            guard pending else {
                close(descriptor, failure: nil)
                return false
            }
            connections[slot]!.closeWhenDrained = true
        }
        if pending {
            connections[slot]!.readBlocked = true
            return false
        }
        return true
    }

    /// The flow log's figures: the flow named by a FlowTest header at the stream's start.
    private func noteReceived(_ slot: Int, _ bytes: UnsafeRawBufferPointer) {
        if !connections[slot]!.streamKnown { connections[slot]!.summary!.flowID = SizedWire.flowID(in: bytes) }
        connections[slot]!.summary!.bytesReceived += UInt64(bytes.count)
    }

    /// Sends `bytes` now, or queues what the kernel does not take. False on a send error.
    private func emit(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let slot = Int(descriptor)
        if let output = connections[slot]!.output, !output.isEmpty {
            output.append(bytes)
            return true
        }
        let sent = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        if sent == bytes.count { return true }
        if sent < 0, errno != EAGAIN, errno != EWOULDBLOCK { return false }
        queue(slot).append(UnsafeRawBufferPointer(rebasing: bytes[max(sent, 0)...]))
        return true
    }

    /// Sends `count` bytes of filler now, or queues what the kernel does not take.
    private func emitFiller(_ descriptor: Int32, _ count: Int) -> Bool {
        let slot = Int(descriptor)
        var left = count
        while left > 0 {
            if let output = connections[slot]!.output, !output.isEmpty {
                output.appendFiller(left)
                return true
            }
            let piece = min(left, SizedWire.filler.count)
            let sent = send(descriptor, SizedWire.filler.baseAddress, piece, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if sent < 0, errno != EAGAIN, errno != EWOULDBLOCK { return false }
            left -= max(sent, 0)
            if sent < piece, left > 0 { queue(slot).appendFiller(left) }
            if sent < piece { return true }
        }
        return true
    }

    private func queue(_ slot: Int) -> EchoOutputQueue {
        if let output = connections[slot]!.output { return output }
        let output = EchoOutputQueue()
        connections[slot]!.output = output
        return output
    }

    func writable(_ descriptor: Int32) {
        let slot = Int(descriptor)
        guard slot < connections.count, let output = connections[slot]?.output, !output.isEmpty else { return }
        let drained = output.drain { bytes in
            let sent = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if sent < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1 }
            return sent
        }
        guard drained != nil else { return close(descriptor, failure: FlowFailureReason(errno: errno)) }
        guard output.isEmpty else { return }
        connections[slot]!.output = nil
        if connections[slot]!.closeWhenDrained { return close(descriptor, failure: nil) }
        if connections[slot]!.readBlocked {
            connections[slot]!.readBlocked = false
            readable(descriptor)
        }
    }

    /// Ends a connection: counters, the flow log's summary, then close(2) (which also takes it out
    /// of epoll).
    func close(_ descriptor: Int32, failure: FlowFailureReason?) {
        let slot = Int(descriptor)
        guard slot < connections.count, let connection = connections[slot] else { return }
        let last = live.removeLast()
        if last != descriptor {
            live[connection.liveIndex] = last
            connections[Int(last)]!.liveIndex = connection.liveIndex
        }
        connections[slot] = nil
        listeners[connection.listener].shard.connectionsActive.bump(-1)
        limits.release()
        if var summary = connection.summary, let observer = limits.observer {
            summary.endNanoseconds = EpollLoop.now()
            summary.failure = failure
            observer.ended(summary)
        }
        Glibc.close(descriptor)
    }

    /// The addresses of an accepted connection, for its flow log record.
    private static func summary(_ descriptor: Int32) -> EchoConnectionSummary {
        var summary = EchoConnectionSummary()
        summary.startNanoseconds = EpollLoop.now()
        (summary.clientAddress, summary.clientPort) = SocketAddressText.peer(descriptor)
        (summary.serverAddress, summary.serverPort) = SocketAddressText.local(descriptor)
        return summary
    }
}
