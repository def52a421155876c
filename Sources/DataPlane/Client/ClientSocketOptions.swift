#if canImport(Glibc)
import Glibc
#endif

/// The socket options every flow socket of a run gets, set before the connect so the SYN (or
/// the first datagram) already carries them; the kernel then applies them to every packet.
public struct ClientSocketOptions: Sendable {
    /// TCP's maximum segment size; nil leaves the kernel's.
    public var mss: Int?
    /// The TOS / traffic class byte (DSCP); nil leaves the kernel's (0).
    public var trafficClass: Int32?
    /// UDP: let the kernel fragment datagrams larger than the path MTU (otherwise they fail with
    /// EMSGSIZE, so MTU problems show up as failures rather than hidden fragmentation).
    public var allowFragmentation: Bool

    public init(mss: Int? = nil, trafficClass: Int32? = nil, allowFragmentation: Bool = true) {
        (self.mss, self.trafficClass, self.allowFragmentation) = (mss, trafficClass, allowFragmentation)
    }

    /// Sets the options on a new socket; the first one the kernel refuses is returned, and fails
    /// the flow (as a refused channel option did on NIO's loops).
    func apply(to descriptor: Int32, stream: Bool, ipv6: Bool) -> SocketError? {
        var one: Int32 = 1
        if stream {
            guard setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                return SocketError("setsockopt TCP_NODELAY")
            }
            if var mss = mss.map(Int32.init),
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_MAXSEG, &mss, socklen_t(MemoryLayout<Int32>.size)) != 0
            {
                return SocketError("setsockopt TCP_MAXSEG")
            }
        } else {
            if !allowFragmentation {
                var discover: Int32 = 2  // IP_PMTUDISC_DO and IPV6_PMTUDISC_DO
                let status = ipv6
                    ? setsockopt(descriptor, Int32(IPPROTO_IPV6), 23 /* IPV6_MTU_DISCOVER */, &discover, socklen_t(MemoryLayout<Int32>.size))
                    : setsockopt(descriptor, Int32(IPPROTO_IP), IP_MTU_DISCOVER, &discover, socklen_t(MemoryLayout<Int32>.size))
                if status != 0 { return SocketError("setsockopt MTU_DISCOVER") }
            }
        }
        if var trafficClass {
            let status = ipv6
                ? setsockopt(descriptor, Int32(IPPROTO_IPV6), Int32(IPV6_TCLASS), &trafficClass, socklen_t(MemoryLayout<Int32>.size))
                : setsockopt(descriptor, Int32(IPPROTO_IP), IP_TOS, &trafficClass, socklen_t(MemoryLayout<Int32>.size))
            if status != 0 { return SocketError("setsockopt TOS") }
        }
        return nil
    }
}
