import FlowTestShared
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One flow on a thread of its own, with a blocking socket: latency mode (`--dedicated-threads`).
///
/// Why: on an event loop, every echo wakes `epoll_wait`, which returns, and the read goes through
/// the channel pipeline before the round trip is timed: tens of microseconds that a latency test
/// then reports as the network's. A thread blocked in recv(2) is woken by the kernel itself, as
/// sockperf's is. It costs a thread per open flow (kept from one flow to the next by
/// `FlowThreadPool`), so latency mode is for a few flows at a time
/// (`maxConcurrent` at most 64), exchanging one message at a time: a TCP flow sends and reads its
/// whole echo; a UDP flow sends one datagram and waits for its echo (at most the response
/// timeout, then it counts as lost), then sleeps until the next is due.
final class DedicatedThreadFlow: Sendable {
    private let flow: ScheduledFlow
    private let address: SocketAddress
    private let environment: FlowEnvironment
    private let shard: FlowStatisticsShard
    private let lifetimeEnd: NIODeadline
    private let connectTimeout: TimeAmount
    private let trafficClass: Int32?
    private let mss: Int?
    /// Set by `FlowLauncher.stopAll`; checked before every exchange (a blocked read ends within
    /// the response timeout).
    private let stopping: StopFlag

    /// The most flows latency mode runs, one thread each.
    static let flowLimit = 64

    private init(
        flow: ScheduledFlow, address: SocketAddress, environment: FlowEnvironment, shard: FlowStatisticsShard, lifetimeEnd: NIODeadline,
        opener: ChannelOpener, connectTimeout: TimeAmount, stopping: StopFlag
    ) {
        (self.flow, self.address, self.environment, self.shard, self.lifetimeEnd) = (flow, address, environment, shard, lifetimeEnd)
        (self.connectTimeout, self.trafficClass, self.mss) = (connectTimeout, opener.trafficClass, opener.mss)
        self.stopping = stopping
    }

    /// Runs `flow` towards `address` on one of `threads`; its figures go to `shard` as an
    /// event-loop flow's do.
    static func start(
        _ flow: ScheduledFlow, to address: SocketAddress, environment: FlowEnvironment, shard: FlowStatisticsShard, lifetimeEnd: NIODeadline,
        opener: ChannelOpener, connectTimeout: TimeAmount, threads: FlowThreadPool, stopping: StopFlag
    ) {
        let runner = DedicatedThreadFlow(
            flow: flow, address: address, environment: environment, shard: shard, lifetimeEnd: lifetimeEnd, opener: opener,
            connectTimeout: connectTimeout, stopping: stopping)
        threads.run { runner.run() }
    }

    private func run() {
        let transport = flow.transport
        var failure: FlowFailureReason?
        var udpFigures: (sent: UInt64, tracker: UDPSequenceTracker)?
        let descriptor = socket(address.protocol == .inet6 ? AF_INET6 : AF_INET, transport == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue), 0)
        if descriptor < 0 {
            failure = FlowFailureReason(errno: errno)
        } else {
            defer { close(descriptor) }
            if let reason = connect(descriptor) {
                failure = transport == .tcp && reason == .timeout ? .connectTimeout : reason
            } else if transport == .tcp {
                failure = exchangeTCP(descriptor)
            } else {
                let (reason, sent, tracker) = exchangeUDP(descriptor)
                failure = reason
                udpFigures = (sent, tracker)
            }
        }
        let pattern = environment.kinds[flow.kind].patternSlot
        shard.update { state in
            if let udpFigures {
                let (sent, tracker) = udpFigures
                state.countUDP(\.udpLost, tracker.lost(sent: sent), pattern: pattern)
                state.countUDP(\.udpDuplicates, tracker.duplicates, pattern: pattern)
                state.countUDP(\.udpReordered, tracker.reordered, pattern: pattern)
                if tracker.received > 1 { state.recordUDPJitter(seconds: tracker.jitterNanoseconds / 1e9, pattern: pattern) }
            }
            if let failure { state.counters[transport].recordFailure(failure) } else { state.counters[transport].flowsCompleted += 1 }
            state.recordOutcome(pattern: pattern, failure: failure)
        }
        environment.statistics.flowClosed(transport)
        environment.statistics.flowSettled()
    }

    /// Sets the run's socket options and connects within the connect timeout; nil on success.
    private func connect(_ descriptor: Int32) -> FlowFailureReason? {
        var one: Int32 = 1
        if flow.transport == .tcp {
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if var mss = mss.map(Int32.init) { setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_MAXSEG, &mss, socklen_t(MemoryLayout<Int32>.size)) }
        }
        if var trafficClass {
            let ipv6 = address.protocol == .inet6
            setsockopt(
                descriptor, ipv6 ? Int32(IPPROTO_IPV6) : Int32(IPPROTO_IP), ipv6 ? Int32(IPV6_TCLASS) : Int32(IP_TOS), &trafficClass,
                socklen_t(MemoryLayout<Int32>.size))
        }
        // A blocking connect gives up after SO_SNDTIMEO.
        setTimeout(descriptor, SO_SNDTIMEO, connectTimeout)
        setTimeout(descriptor, SO_RCVTIMEO, environment.responseTimeout)
        let status = address.withSockAddr { pointer, length in Glibc.connect(descriptor, pointer, socklen_t(length)) }
        guard status == 0 else { return FlowFailureReason(errno: errno == EINPROGRESS || errno == EAGAIN ? ETIMEDOUT : errno) }
        return nil
    }

    private func setTimeout(_ descriptor: Int32, _ option: Int32, _ timeout: TimeAmount) {
        let nanoseconds = max(timeout.nanoseconds, 1_000)
        var value = timeval(tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int(nanoseconds % 1_000_000_000 / 1_000))
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The messages of a TCP flow, one at a time, until its lifetime ends; the reason it failed, if it did.
    private func exchangeTCP(_ descriptor: Int32) -> FlowFailureReason? {
        var random = SeededRandomNumberGenerator.forFlow(flow.index, seed: environment.seed)
        let kind = environment.kinds[flow.kind]
        var message = prefilledMessage(kind)
        var echo = [UInt8](repeating: 0, count: message.count)
        var sequence: UInt32 = 0
        while !stopping.isRaised, NIODeadline.now() < lifetimeEnd {
            sequence &+= 1
            let size = kind.request.next(using: &random)
            let sentAt = NIODeadline.now()
            let header = FlowHeader(sequence: sequence, flowID: flow.index, sendTimeNanoseconds: sentAt.uptimeNanoseconds)
            if size >= FlowHeader.size {
                message.withUnsafeMutableBytes { header.storePlain(into: $0) }
            } else {
                // Too short for a header: the filler from the start, as on the event loops.
                for offset in 0..<size { message[offset] = environment.filler.getInteger(at: environment.filler.readerIndex + offset)! }
            }
            if let failure = sendAll(descriptor, message, count: size) { return failure }
            shard.recordSend(.tcp, bytes: size, pattern: kind.patternSlot)
            var received = 0
            while received < size {
                let count = echo.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + received, size - received, 0) }
                if count == 0 { return .closed }
                if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? .timeout : FlowFailureReason(errno: errno) }
                received += count
            }
            let roundTrip = UInt64(max(0, (NIODeadline.now() - sentAt).nanoseconds))
            guard echo.prefix(size) == message.prefix(size) else { return .corrupted }
            if size < FlowHeader.size { message = prefilledMessage(kind) }
            shard.recordEcho(.tcp, bytes: size, roundTripNanoseconds: roundTrip, pattern: kind.patternSlot)
            environment.metrics.recordRoundTrip(.tcp, nanoseconds: roundTrip, pattern: kind.patternSlot)
            sleepUntilNext(after: sentAt)
        }
        return nil
    }

    /// The datagrams of a UDP flow; the reason it failed (an ICMP error), the datagrams sent, and
    /// what came back.
    private func exchangeUDP(_ descriptor: Int32) -> (FlowFailureReason?, UInt64, UDPSequenceTracker) {
        var random = SeededRandomNumberGenerator.forFlow(flow.index, seed: environment.seed)
        let kind = environment.kinds[flow.kind]
        var tracker = UDPSequenceTracker()
        var message = prefilledMessage(kind)
        var echo = [UInt8](repeating: 0, count: 65_536)
        var sent: UInt64 = 0
        while !stopping.isRaised, NIODeadline.now() < lifetimeEnd {
            let size = kind.request.next(using: &random)
            let sentAt = NIODeadline.now()
            let sequence = UInt32(truncatingIfNeeded: sent)
            message.withUnsafeMutableBytes {
                FlowHeader(sequence: sequence, flowID: flow.index, sendTimeNanoseconds: sentAt.uptimeNanoseconds).storePlain(into: $0)
            }
            if let failure = sendAll(descriptor, message, count: size) { return (failure, sent, tracker) }
            sent += 1
            shard.recordSend(.udp, bytes: size, pattern: kind.patternSlot)
            // Wait for this datagram's echo; late echoes of earlier ones are counted as they come.
            let deadline = sentAt + environment.responseTimeout
            while NIODeadline.now() < deadline {
                let count = echo.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK { break }
                    return (FlowFailureReason(errno: errno), sent, tracker)
                }
                let now = NIODeadline.now().uptimeNanoseconds
                guard let header = echo.withUnsafeBytes({ FlowHeader(plainAt: UnsafeRawBufferPointer(rebasing: $0[..<count])) }),
                    header.flowID == flow.index
                else { continue }
                let roundTrip = now > header.sendTimeNanoseconds ? now - header.sendTimeNanoseconds : 0
                if case .first = tracker.record(sequence: header.sequence, roundTripNanoseconds: roundTrip) {
                    shard.recordEcho(.udp, bytes: count, roundTripNanoseconds: roundTrip, pattern: kind.patternSlot)
                    environment.metrics.recordRoundTrip(.udp, nanoseconds: roundTrip, pattern: kind.patternSlot)
                }
                if header.sequence == sequence { break }
            }
            sleepUntilNext(after: sentAt)
        }
        return (nil, sent, tracker)
    }

    /// The largest message of `kind`, its body the run's filler after the header's place, as
    /// an event loop's flow sends it: each exchange then writes only its 24 header bytes.
    private func prefilledMessage(_ kind: TrafficKind) -> [UInt8] {
        let size = max(kind.request.maximum, FlowHeader.size)
        return [UInt8](repeating: 0, count: FlowHeader.size) + Array(environment.filler.readableBytesView.prefix(size - FlowHeader.size))
    }

    private func sendAll(_ descriptor: Int32, _ message: [UInt8], count: Int) -> FlowFailureReason? {
        var offset = 0
        while offset < count {
            let written = message.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return FlowFailureReason(errno: errno) }
            offset += written
        }
        return nil
    }

    /// Paced flows wait for their next message's time; back-to-back flows go on at once.
    private func sleepUntilNext(after sentAt: NIODeadline) {
        guard environment.messageInterval > .zero else { return }
        let wait = min(sentAt + environment.messageInterval, lifetimeEnd) - NIODeadline.now()
        if wait > .zero { usleep(UInt32(min(wait.nanoseconds / 1_000, 1_000_000_000))) }
    }
}
