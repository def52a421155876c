// Its header brings in sys/socket.h: in a whole-module (release) build, Glibc's socket-type
// constants are found through it once the module also imports NIOCore.
import CDataPlane

#if canImport(Glibc)
import Glibc
#endif

/// One socket per event loop on the same address and port (SO_REUSEPORT), so the kernel spreads
/// connections and datagrams across the loops by their 4-tuple, and no loop ever hands work to
/// another.
///
/// SO_REUSEPORT would also let a second process of the same user bind the port and silently take
/// half its traffic; so a given port is first bound by a probe socket without the option, which
/// fails with EADDRINUSE when anything is bound there, as a plain listener would; the group then
/// binds in the moment after the probe closes. For port 0 there is no probe: a probe's port,
/// once closed, could be picked again for another group (parallel tests did), so the group's
/// first socket takes the kernel's pick and the others join it.
public enum ReusePortGroup {
    public enum Kind: Sendable { case tcp, udp }

    /// `count` non-blocking sockets bound to `address`; for TCP, listening. Options that accepted
    /// sockets inherit are set here, once: TCP_NODELAY (echoes are small and must not wait).
    public static func bind(
        _ kind: Kind, _ address: ListenAddress, ipv6Only: Bool, count: Int, options: [SocketOptionValue] = []
    ) throws(SocketError) -> (descriptors: [Int32], port: Int) {
        let type = kind == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var port = address.port
        if port != 0 {
            let probe = try socket(address, type: type, ipv6Only: ipv6Only, reusePort: false)
            guard address.bind(probe) == 0 else {
                let error = SocketError("bind")
                close(probe)
                throw error
            }
            close(probe)
        }
        var descriptors: [Int32] = []
        do throws(SocketError) {
            for _ in 0..<max(1, count) {
                let descriptor = try socket(address, type: type, ipv6Only: ipv6Only, reusePort: true)
                descriptors.append(descriptor)
                for option in options { try Self.option(descriptor, option.level, option.name, option.value) }
                guard address.with(port: port).bind(descriptor) == 0 else { throw SocketError("bind") }
                // Port 0: the first socket's pick is the group's. The kernel never picks a port
                // that a socket holds, SO_REUSEPORT or not, so no other group can be there.
                if port == 0 { port = ListenAddress.boundPort(descriptor) ?? 0 }
                if kind == .tcp {
                    try option(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                    guard listen(descriptor, 4096) == 0 else { throw SocketError("listen") }
                } else {
                    // Bursts from many flows at once must not overflow the queue before a loop reads.
                    try option(descriptor, SOL_SOCKET, SO_RCVBUF, 4 << 20)
                }
            }
        } catch {
            for descriptor in descriptors { close(descriptor) }
            throw error
        }
        return (descriptors, port)
    }

    private static func socket(_ address: ListenAddress, type: Int32, ipv6Only: Bool, reusePort: Bool) throws(SocketError) -> Int32 {
        let descriptor = Glibc.socket(address.ipv6 ? AF_INET6 : AF_INET, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError("socket") }
        do throws(SocketError) {
            // TCP: a port whose old connections linger in TIME_WAIT can be listened on again. Not
            // UDP, where SO_REUSEADDR would let two sockets share a port unnoticed.
            if type == Int32(SOCK_STREAM.rawValue) { try option(descriptor, SOL_SOCKET, SO_REUSEADDR, 1) }
            if reusePort { try option(descriptor, SOL_SOCKET, SO_REUSEPORT, 1) }
            if address.ipv6 { try option(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, ipv6Only ? 1 : 0) }
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    static func option(_ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SocketError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError("setsockopt(\(level), \(name))")
        }
    }
}
