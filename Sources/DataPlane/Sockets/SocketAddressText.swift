#if canImport(Glibc)
import Glibc
#endif

/// A socket's addresses as text and port, for records (never on the per-packet path).
enum SocketAddressText {
    static func peer(_ descriptor: Int32) -> (String, Int) {
        address { getpeername(descriptor, $0, $1) }
    }

    static func local(_ descriptor: Int32) -> (String, Int) {
        address { getsockname(descriptor, $0, $1) }
    }

    /// The text of a sockaddr_storage; a v4-mapped IPv6 address as its IPv4 form.
    static func text(_ storage: sockaddr_storage) -> (String, Int) {
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

    private static func address(_ call: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> (String, Int) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutableBytes(of: &storage) { call($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        guard status == 0 else { return ("", 0) }
        return text(storage)
    }
}
