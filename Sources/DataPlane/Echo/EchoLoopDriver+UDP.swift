import CDataPlane
import FlowTestProtocols

#if canImport(Glibc)
import Glibc
#endif

/// UDP: datagrams read and answered in batches, a system call for up to 32 each way.
extension EchoLoopDriver {
    /// Batches per readiness before the socket waits its turn.
    static let datagramBatchBudget = 8

    func receive(_ index: Int) {
        let socket = datagrams[index]
        let batch = self.batch
        for _ in 0..<Self.datagramBatchBudget {
            let received = cdp_recv_batch(
                socket.descriptor, batch.buffers.assumingMemoryBound(to: UInt8.self), DatagramBatch.stride, Int32(DatagramBatch.count),
                batch.addresses, batch.addressLengths, batch.lengths,
                socket.inspector == nil && limits.datagramObserver == nil ? nil : batch.controls, DatagramBatch.controlStride, batch.controlLengths)
            // EAGAIN: empty. An ICMP error about one peer must never stop the socket that serves
            // all the others: read on. Anything else waits for the next edge (no spinning on it).
            if received < 0 {
                switch errno {
                case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, EINTR, ENOBUFS, ENOMEM: continue
                default: return
                }
            }
            if received == 0 { return }
            if let inspector = socket.inspector {
                for index in 0..<Int(received) {
                    let control = UnsafeRawBufferPointer(start: batch.controls + index * DatagramBatch.controlStride, count: Int(batch.controlLengths[index]))
                    inspector.datagram(control: control, family: Int32(batch.addresses[index].ss_family))
                }
            }
            answer(socket, count: Int(received), batch: batch)
            // A short batch emptied the socket; datagrams arriving after it raise a new edge.
            if received < DatagramBatch.count { return }
        }
        deferredDatagrams.append(index)
    }

    /// Turns the batch's datagrams into replies in place (a sized request gets the size it asks
    /// for) and sends them, skipping malformed ones.
    private func answer(_ socket: Datagrams, count: Int, batch: DatagramBatch) {
        var bytesIn: UInt64 = 0
        var runStart = 0
        for index in 0..<count {
            let received = Int(batch.lengths[index])
            bytesIn &+= UInt64(received)
            let slot = batch.slot(index)
            let request = UnsafeRawBufferPointer(rebasing: slot[..<received])
            let sized = SizedWire.startsSized(request)
            // A built-in pattern's protocol (DNS): its answer (or its error, FORMERR) in `scratch`.
            let answered = sized ? nil : protocolAnswer(request, shard: socket.shard)
            // The flow log sees the request before its reply is written over it.
            if let observer = limits.datagramObserver { observe(observer, index, socket: socket, batch: batch, request: request, flowID: answered?.flowID) }
            if answered != nil {
                let reply = scratch.count <= min(slot.count, SizedWire.largestDatagram) ? scratch.count : 0
                scratch.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: slot[..<reply]).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<reply])) }
                if reply == 0 {
                    send(socket, batch: batch, from: runStart, to: index)
                    runStart = index + 1
                } else {
                    batch.lengths[index] = UInt32(reply)
                }
                continue
            }
            guard let reply = sized ? SizedWire.datagramReply(slot, received: received) : received else {
                socket.shard.malformedRequests.bump()
                send(socket, batch: batch, from: runStart, to: index)
                runStart = index + 1
                continue
            }
            if sized { socket.shard.sizedResponses.bump() }
            batch.lengths[index] = UInt32(reply)
        }
        send(socket, batch: batch, from: runStart, to: count)
        socket.shard.datagramsReceived.bump(UInt64(count))
        socket.shard.bytesReceived.bump(bytesIn)
    }

    /// The answer to a protocol's datagram, in `scratch` (empty when nothing can be sent back),
    /// counted; nil when the datagram is no protocol's and is echoed as it is.
    private func protocolAnswer(_ request: UnsafeRawBufferPointer, shard: EchoCounterShard) -> ResponderOutcome? {
        scratch.removeAll(keepingCapacity: true)
        guard let outcome = ProtocolResponder.answerDatagram(request, into: &scratch) else { return nil }
        shard.sizedResponses.bump(UInt64(outcome.answered))
        if outcome.malformed != nil { shard.malformedRequests.bump() }
        return outcome
    }

    /// Tells the flow log of datagram `index`, as it arrived.
    private func observe(
        _ observer: any EchoDatagramObserver, _ index: Int, socket: Datagrams, batch: DatagramBatch, request: UnsafeRawBufferPointer, flowID: UInt64?
    ) {
        let control = UnsafeRawBufferPointer(start: batch.controls + index * DatagramBatch.controlStride, count: Int(batch.controlLengths[index]))
        observer.received(
            loop: self.index, source: batch.addresses + index, destination: SocketAddressText.packetDestination(control), port: socket.port,
            payload: request, flowID: flowID, nowNanoseconds: clock)
    }

    /// Sends the replies in slots `start..<end`; what the kernel does not take is dropped, as a
    /// full socket buffer drops a datagram.
    private func send(_ socket: Datagrams, batch: DatagramBatch, from start: Int, to end: Int) {
        var next = start
        while next < end {
            let sent = cdp_send_batch(
                socket.descriptor, batch.buffers.assumingMemoryBound(to: UInt8.self) + next * DatagramBatch.stride, DatagramBatch.stride,
                Int32(end - next), batch.addresses + next, batch.addressLengths + next, batch.lengths + next)
            guard sent > 0 else {
                // An ICMP error queued for one peer fails the call: skip that datagram, send on.
                if sent < 0, errno != EAGAIN, errno != EWOULDBLOCK {
                    next += 1
                    continue
                }
                return
            }
            var bytesOut: UInt64 = 0
            for index in next..<next + Int(sent) { bytesOut &+= UInt64(batch.lengths[index]) }
            if let observer = limits.datagramObserver {
                for index in next..<next + Int(sent) { observer.echoed(loop: self.index, to: batch.addresses + index, bytes: Int(batch.lengths[index])) }
            }
            socket.shard.datagramsSent.bump(UInt64(sent))
            socket.shard.bytesSent.bump(bytesOut)
            next += Int(sent)
        }
    }
}
