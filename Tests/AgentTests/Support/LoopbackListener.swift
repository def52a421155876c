#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket listening on 127.0.0.1 at a port the kernel picks, for tests that accept (or
/// refuse to accept) with plain system calls.
enum LoopbackListener {
    /// The listening descriptor and the address it is bound to (its port filled in).
    static func open(backlog: Int32) throws -> (descriptor: Int32, address: sockaddr_in) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, backlog) == 0 else {
            let code = errno
            close(descriptor)
            throw TestSocket.Failure.system("bind/listen", code)
        }
        return (descriptor, address)
    }
}
