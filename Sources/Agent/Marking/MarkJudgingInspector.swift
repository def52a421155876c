import FlowTestDataPlane
import FlowTestShared

#if canImport(Glibc)
import Glibc
#endif

/// Judges the marks of what arrives at one echo listener on the data plane, as
/// `MarkedUDPEchoListener` and `TCPMarkCheckHandler` do on their paths: each datagram by its
/// ancillary data, each connection once, at its first bytes, by the options of its last packet.
struct MarkJudgingInspector: EchoArrivalInspector {
    let expectation: MarkExpectation
    let counters: EchoListenerCounters

    /// What the sockets of a listener on `ipv6` must ask the kernel for, and the class their
    /// replies carry (the echo marks its answers as the generator marks its requests).
    static func options(ipv6: Bool, expectation: MarkExpectation) -> [SocketOptionValue] {
        let ip = Int32(SocketMarkOptions.ipLevel), ip6 = Int32(SocketMarkOptions.ipv6Level)
        var options = [SocketOptionValue(level: ip, name: SocketMarkOptions.ipRecvTOS, value: 1)]
        if ipv6 {
            options.append(SocketOptionValue(level: ip6, name: SocketMarkOptions.ipv6RecvTrafficClass, value: 1))
            options.append(SocketOptionValue(level: ip6, name: SocketMarkOptions.ipv6FlowInfo, value: 1))
        }
        if let dscp = expectation.dscp {
            options.append(SocketOptionValue(level: ip, name: SocketMarkOptions.ipTOS, value: Int32(dscp.trafficClass)))
            if ipv6 { options.append(SocketOptionValue(level: ip6, name: SocketMarkOptions.ipv6TrafficClass, value: Int32(dscp.trafficClass))) }
        }
        return options
    }

    func datagram(control: UnsafeRawBufferPointer, family: Int32) {
        let marks = ControlMessages(control)
        // Only a real IPv6 datagram has a flow label; a v4-mapped one comes with IP_TOS alone.
        let ipv6 = family == AF_INET6 && marks.flowLabel != nil
        if let outcome = expectation.judge(trafficClass: marks.trafficClass, flowLabel: ipv6 ? marks.flowLabel : nil) { counters.count(outcome) }
    }

    func connection(descriptor: Int32) {
        var local = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutableBytes(of: &local) { getsockname(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        let ipv6 = Int32(local.ss_family) == AF_INET6
        var options = [UInt8](repeating: 0, count: 64)
        var size = socklen_t(options.count)
        let status = options.withUnsafeMutableBytes { bytes in
            ipv6
                ? getsockopt(descriptor, Int32(SocketMarkOptions.ipv6Level), SocketMarkOptions.ipv6PacketOptions, bytes.baseAddress, &size)
                : getsockopt(descriptor, Int32(SocketMarkOptions.ipLevel), SocketMarkOptions.ipPacketOptions, bytes.baseAddress, &size)
        }
        guard status == 0 else { return }
        let marks = options.withUnsafeBytes { ControlMessages(UnsafeRawBufferPointer(rebasing: $0[..<Int(size)])) }
        // A v4-mapped peer on a dual-stack socket has no flow label to judge.
        let label = ipv6 && !Self.peerIsV4Mapped(descriptor) ? (marks.flowLabel ?? 0) : nil
        if let outcome = expectation.judge(trafficClass: marks.trafficClass, flowLabel: label) { counters.count(outcome) }
    }

    private static func peerIsV4Mapped(_ descriptor: Int32) -> Bool {
        var peer = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutableBytes(of: &peer) { getpeername(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        guard Int32(peer.ss_family) == AF_INET6 else { return false }
        return withUnsafeBytes(of: peer) { raw in
            raw[8..<18].allSatisfy { $0 == 0 } && raw[18] == 0xFF && raw[19] == 0xFF
        }
    }
}
