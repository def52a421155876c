#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address and port to bind, as the kernel takes it.
public struct ListenAddress: Sendable {
    public let host: String
    public let port: Int
    /// Whether the address is IPv6 (a socket of that family).
    public let ipv6: Bool
    private let storage: sockaddr_storage
    private let length: socklen_t

    /// Parses a numeric address (no name lookup); nil for anything else.
    public init?(host: String, port: Int) {
        var storage = sockaddr_storage()
        let parsed: Bool = withUnsafeMutableBytes(of: &storage) { raw in
            if host.contains(":") {
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
                return inet_pton(AF_INET6, host, &address.pointee.sin6_addr) == 1
            }
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            return inet_pton(AF_INET, host, &address.pointee.sin_addr) == 1
        }
        guard parsed, (0...65_535).contains(port) else { return nil }
        self.host = host
        self.port = port
        self.ipv6 = host.contains(":")
        self.storage = storage
        self.length = socklen_t(host.contains(":") ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
    }

    /// The same address on another port.
    public func with(port: Int) -> ListenAddress {
        ListenAddress(host: host, port: port)!
    }

    /// bind(2) of `descriptor` to this address.
    func bind(_ descriptor: Int32) -> Int32 {
        withUnsafeBytes(of: storage) { raw in
            Glibc.bind(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// The port a bound socket has (the kernel's pick for port 0).
    static func boundPort(_ descriptor: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutableBytes(of: &storage) { getsockname(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        guard status == 0 else { return nil }
        // sin_port and sin6_port are both at offset 2, in network order.
        return withUnsafeBytes(of: storage) { Int(UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self))) }
    }
}
