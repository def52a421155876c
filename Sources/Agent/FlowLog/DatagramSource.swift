#if canImport(Glibc)
import Glibc
#endif

/// A datagram's source address and port as raw bytes: a table key made without a string or an
/// allocation per datagram (text is made once, when the flow's record is).
struct DatagramSource: Hashable {
    private let family: UInt16
    private let port: UInt16
    private let high: UInt64
    private let low: UInt64

    init(_ storage: UnsafePointer<sockaddr_storage>) {
        let raw = UnsafeRawPointer(storage)
        family = UInt16(storage.pointee.ss_family)
        port = raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
        if Int32(family) == AF_INET6 {
            (high, low) = (raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        } else {
            (high, low) = (UInt64(raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)), 0)
        }
    }
}
