/// The marks in a buffer of ancillary data (`struct cmsghdr`s, as recvmsg(2) and the
/// `IP_PKTOPTIONS` / `IPV6_2292PKTOPTIONS` socket options return them), parsed by hand: Swift
/// does not import the `CMSG_*` macros.
struct ControlMessages {
    /// The TOS byte (IPv4) or traffic class (IPv6), if present.
    var trafficClass: UInt8?
    /// The 20-bit IPv6 flow label, if present.
    var flowLabel: UInt32?

    /// `cmsghdr` is `size_t cmsg_len; int cmsg_level; int cmsg_type;`, data aligned to `size_t`.
    private static let headerSize = MemoryLayout<Int>.size + 8
    private static let alignment = MemoryLayout<Int>.size

    init(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + Self.headerSize <= bytes.count {
            let length = bytes.loadUnaligned(fromByteOffset: offset, as: Int.self)
            guard length >= Self.headerSize, offset + length <= bytes.count else { return }
            let level = bytes.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size, as: Int32.self)
            let type = bytes.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size + 4, as: Int32.self)
            let data = offset + Self.headerSize
            switch (level, type) {
            case (0, 1):  // IP_TOS: one byte from recvmsg, an int from IP_PKTOPTIONS (little end first).
                trafficClass = bytes[data]
            case (41, 67):  // IPV6_TCLASS: an int.
                trafficClass = UInt8(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: data, as: Int32.self))
            case (41, 11):  // IPV6_FLOWINFO: the flow information in network order (class and label).
                flowLabel = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: data, as: UInt32.self)) & 0xF_FFFF
            default:
                break
            }
            offset += (length + Self.alignment - 1) / Self.alignment * Self.alignment
        }
    }
}
