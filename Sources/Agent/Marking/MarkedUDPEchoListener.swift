import FlowTestProtocols
import FlowTestShared
import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A UDP echo listener that judges the marks of every datagram: its own socket and thread, with
/// recvmsg(2) and the datagrams' control messages.
///
/// Why not NIO: its DatagramChannel reads the TOS control message but hands on only the two ECN
/// bits, and never the IPv6 flow label. Why a separate listener rather than one more step in the
/// NIO echo: only listeners that expect marks (`--dscp`, `--scitag`) run this; every other
/// listener keeps NIO's path, which does no marking work at all, datagram by datagram.
///
/// Replies carry the expected class, set once on the socket (`IP_TOS` / `IPV6_TCLASS`): the echo
/// marks its answers as the generator marks its requests, whatever the way there did to them.
final class MarkedUDPEchoListener: Sendable {
    /// The port as bound (the kernel's pick for port 0).
    let port: Int
    private let descriptor: Int32
    private let counters: EchoListenerCounters
    private let expectation: MarkExpectation
    private let stopping = Atomic<Bool>(false)
    private let exited = Atomic<Bool>(false)

    /// How long the thread waits in recvmsg(2) before it looks at `stopping` again.
    private static let pollMilliseconds: Int32 = 50

    private init(descriptor: Int32, port: Int, counters: EchoListenerCounters, expectation: MarkExpectation) {
        (self.descriptor, self.port, self.counters, self.expectation) = (descriptor, port, counters, expectation)
    }

    /// Binds `host:port` (port 0: any free one) and starts echoing.
    static func start(
        host: String, ipv6Only: Bool, port: Int, counters: EchoListenerCounters, expectation: MarkExpectation
    ) throws -> MarkedUDPEchoListener {
        let address = try SocketAddress(ipAddress: host, port: port)
        let ipv6 = address.protocol == .inet6
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            try set(descriptor, SOL_SOCKET, SO_REUSEADDR, 1)
            try set(descriptor, SOL_SOCKET, SO_RCVBUF, 4 << 20)
            // Every family this socket can receive: IPv4 (also v4-mapped on a dual-stack socket) and IPv6.
            try set(descriptor, Int32(SocketMarkOptions.ipLevel), SocketMarkOptions.ipRecvTOS, 1)
            if ipv6 {
                try set(descriptor, Int32(SocketMarkOptions.ipv6Level), Int32(IPV6_V6ONLY), ipv6Only ? 1 : 0)
                try set(descriptor, Int32(SocketMarkOptions.ipv6Level), SocketMarkOptions.ipv6RecvTrafficClass, 1)
                try set(descriptor, Int32(SocketMarkOptions.ipv6Level), SocketMarkOptions.ipv6FlowInfo, 1)
            }
            if let dscp = expectation.dscp {
                try set(descriptor, Int32(SocketMarkOptions.ipLevel), SocketMarkOptions.ipTOS, dscp.trafficClass)
                if ipv6 { try set(descriptor, Int32(SocketMarkOptions.ipv6Level), SocketMarkOptions.ipv6TrafficClass, dscp.trafficClass) }
            }
            let bound = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
            guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
        } catch {
            closeDescriptor(descriptor)
            throw error
        }
        let listener = MarkedUDPEchoListener(
            descriptor: descriptor, port: Self.boundPort(descriptor) ?? port, counters: counters, expectation: expectation)
        Thread.detachNewThread { listener.serve() }
        return listener
    }

    private static func set(_ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: "setsockopt(\(level), \(name))")
        }
    }

    private static func boundPort(_ descriptor: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafeBytes(of: &storage) { bytes in
            // sin_port and sin6_port are both at offset 2, in network order.
            Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        }
    }

    /// The thread's loop: wait for datagrams (at most `pollMilliseconds`), then read, judge and
    /// echo every queued one.
    private func serve() {
        defer { exited.store(true, ordering: .releasing) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
        defer {
            buffer.deallocate()
            control.deallocate()
        }
        var source = sockaddr_storage()
        // Blocked in recvmsg, woken by the kernel when a datagram arrives (two system calls per
        // echo, the least there is); the receive timeout lets the loop look at `stopping`.
        var timeout = timeval(tv_sec: 0, tv_usec: Int(Self.pollMilliseconds) * 1000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while !stopping.load(ordering: .relaxed) {
            var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
            var message = msghdr()
            let received = withUnsafeMutablePointer(to: &source) { name in
                withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    message.msg_name = UnsafeMutableRawPointer(name)
                    message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = control.baseAddress
                    message.msg_controllen = control.count
                    return recvmsg(descriptor, &message, 0)
                }
            }
            guard received >= 0 else { continue }  // The timeout (EAGAIN), or an ICMP error: look again.
            judge(UnsafeRawBufferPointer(rebasing: control[..<Int(message.msg_controllen)]), from: source)
            counters.datagramsReceived.wrappingAdd(1, ordering: .relaxed)
            counters.bytesReceived.wrappingAdd(UInt64(received), ordering: .relaxed)
            // A traffic pattern's sized request gets the size it asks for, as on NIO's path. It is
            // counted by its header, not by its length: a response asked at the request's own size
            // is a sized response too (counting by length missed dns answers as long as their queries).
            let sized = SizedRequestFraming.startsSizedDatagram(buffer, received: received)
            let reply: Int
            var answer: [UInt8] = []
            if let outcome = ProtocolResponder.answerDatagram(UnsafeRawBufferPointer(rebasing: buffer[..<received]), into: &answer) {
                // A built-in pattern's protocol (DNS): its answer or its error, as on NIO's path.
                counters.sizedResponses.wrappingAdd(UInt64(outcome.answered), ordering: .relaxed)
                if outcome.malformed != nil { counters.malformedRequests.wrappingAdd(1, ordering: .relaxed) }
                guard !answer.isEmpty, answer.count <= buffer.count else { continue }
                answer.withUnsafeBytes { buffer.copyMemory(from: $0) }
                reply = answer.count
            } else {
                guard let length = SizedRequestFraming.sizedDatagramLength(buffer, received: received) else {
                    counters.malformedRequests.wrappingAdd(1, ordering: .relaxed)
                    continue
                }
                if sized { counters.sizedResponses.wrappingAdd(1, ordering: .relaxed) }
                reply = length
            }
            let sent = withUnsafePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, buffer.baseAddress, reply, Int32(MSG_DONTWAIT), $0, message.msg_namelen)
                }
            }
            if sent >= 0 {
                counters.datagramsSent.wrappingAdd(1, ordering: .relaxed)
                counters.bytesSent.wrappingAdd(UInt64(sent), ordering: .relaxed)
            }
        }
    }

    private func judge(_ control: UnsafeRawBufferPointer, from source: sockaddr_storage) {
        let marks = ControlMessages(control)
        // Only a real IPv6 datagram has a flow label; a v4-mapped one comes with IP_TOS alone.
        let ipv6 = Int32(source.ss_family) == AF_INET6 && marks.flowLabel != nil
        if let outcome = expectation.judge(trafficClass: marks.trafficClass, flowLabel: ipv6 ? marks.flowLabel : nil) {
            counters.count(outcome)
        }
    }

    /// Stops the thread (within one poll interval; never waits more than two seconds) and closes the socket.
    func close() async {
        stopping.store(true, ordering: .relaxed)
        let deadline = ContinuousClock.now + .seconds(2)
        while !exited.load(ordering: .acquiring), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        // Closing under a thread still in recvmsg could hand its descriptor number to another socket.
        if exited.load(ordering: .acquiring) { closeDescriptor(descriptor) }
    }
}

/// close(2), out of reach of the listener's own `close()`.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
