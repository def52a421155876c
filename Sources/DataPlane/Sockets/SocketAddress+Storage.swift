import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension SocketAddress {
    /// The IPv4 or IPv6 address in `storage` (as getsockname fills it); nil for another family.
    init?(storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            self = withUnsafeBytes(of: &storage) { SocketAddress($0.loadUnaligned(as: sockaddr_in.self)) }
        case AF_INET6:
            self = withUnsafeBytes(of: &storage) { SocketAddress($0.loadUnaligned(as: sockaddr_in6.self)) }
        default:
            return nil
        }
    }
}
