#if canImport(Glibc)
import Glibc
#endif

/// A socket's addresses as text and port, for records (never on the per-packet path).
public enum SocketAddressText {
    static func peer(_ descriptor: Int32) -> (String, Int) {
        address { getpeername(descriptor, $0, $1) }
    }

    static func local(_ descriptor: Int32) -> (String, Int) {
        address { getsockname(descriptor, $0, $1) }
    }

    /// The text of a sockaddr_storage; a v4-mapped IPv6 address as its IPv4 form.
    public static func text(_ storage: sockaddr_storage) -> (String, Int) {
        withUnsafeBytes(of: storage) { raw in
            let port = Int(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if Int32(storage.ss_family) == AF_INET6 {
                let address = raw.baseAddress!.advanced(by: 8)
                let bytes = UnsafeRawBufferPointer(start: address, count: 16)
                if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                    inet_ntop(AF_INET, address.advanced(by: 12), &text, socklen_t(text.count))
                } else {
                    inet_ntop(AF_INET6, address, &text, socklen_t(text.count))
                }
            } else {
                inet_ntop(AF_INET, raw.baseAddress!.advanced(by: 4), &text, socklen_t(text.count))
            }
            return (String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), port)
        }
    }

    /// The destination address in a datagram's ancillary data (IP_PKTINFO's `ipi_addr`,
    /// IPV6_PKTINFO's `ipi6_addr`, a v4-mapped one as IPv4); empty when it holds none.
    public static func packetDestination(_ control: UnsafeRawBufferPointer) -> String {
        let header = MemoryLayout<Int>.size + 8
        var offset = 0
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        while offset + header <= control.count {
            let length = control.loadUnaligned(fromByteOffset: offset, as: Int.self)
            guard length >= header, offset + length <= control.count else { break }
            let level = control.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size, as: Int32.self)
            let type = control.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size + 4, as: Int32.self)
            let data = control.baseAddress!.advanced(by: offset + header)
            if level == 0, type == 8, length >= header + 12 {  // IP_PKTINFO: ifindex, spec_dst, addr.
                inet_ntop(AF_INET, data.advanced(by: 8), &text, socklen_t(text.count))
                return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if level == 41, type == 50, length >= header + 16 {  // IPV6_PKTINFO: addr, ifindex.
                let bytes = UnsafeRawBufferPointer(start: data, count: 16)
                let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
                if mapped { inet_ntop(AF_INET, data.advanced(by: 12), &text, socklen_t(text.count)) } else { inet_ntop(AF_INET6, data, &text, socklen_t(text.count)) }
                return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            offset += (length + MemoryLayout<Int>.size - 1) / MemoryLayout<Int>.size * MemoryLayout<Int>.size
        }
        return ""
    }

    private static func address(_ call: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> (String, Int) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutableBytes(of: &storage) { call($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        guard status == 0 else { return ("", 0) }
        return text(storage)
    }
}
