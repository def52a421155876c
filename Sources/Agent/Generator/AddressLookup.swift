import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every address a name resolves to, through the system resolver (getaddrinfo: /etc/hosts, then
/// DNS, as the pod's resolv.conf says), in one order whatever order the answer came in.
///
/// A headless Service's name answers with one A or AAAA record per ready pod, in an order that
/// changes from one answer to the next; generators that pick a window of the pods must all see
/// the same ring, so the addresses are sorted: IPv4 before IPv6, then by their bytes.
enum AddressLookup {
    /// Why a name did not resolve, in getaddrinfo's words.
    struct Failure: Error, CustomStringConvertible {
        let host: String
        let reason: String
        var description: String { "\(host): \(reason)" }
    }

    /// Every address of `host` (port 0), sorted and each once. Blocking: call it off the event loops.
    static func all(_ host: String) throws(Failure) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        // One entry per address: without a socket type, each comes once per type (stream, datagram, raw).
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { throw Failure(host: host, reason: String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let address = Self.address(current.pointee) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        return sorted(addresses)
    }

    /// `addresses` each once, IPv4 before IPv6, then in the order of their bytes.
    static func sorted(_ addresses: [SocketAddress]) -> [SocketAddress] {
        var seen = Set<[UInt8]>()
        return addresses.map { (key: Self.key($0), address: $0) }
            .filter { seen.insert($0.key).inserted }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map(\.address)
    }

    /// The family (4 or 6) followed by the address's bytes.
    private static func key(_ address: SocketAddress) -> [UInt8] {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { [4] + Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { [6] + Array($0) }
        default:
            return [9] + Array(address.description.utf8)
        }
    }

    private static func address(_ info: addrinfo) -> SocketAddress? {
        guard let pointer = info.ai_addr else { return nil }
        switch info.ai_family {
        case AF_INET:
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: "") }
        case AF_INET6:
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: "") }
        default:
            return nil
        }
    }
}
