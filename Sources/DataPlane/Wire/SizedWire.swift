/// The sized request's wire format, as the echo reads it (the generator's `FlowHeader` writes it):
/// a 32-byte header, magic "FTH2" first, whose last two big-endian words give the whole request's
/// size and the response's size asked for (DESIGN.md, decision 1's one exception).
public enum SizedWire {
    /// "FTH2".
    public static let magic: UInt32 = 0x4654_4832
    public static let headerSize = 32
    /// Where the response size sits in the header.
    public static let responseSizeOffset = 28
    /// Where the request size sits in the header.
    public static let requestSizeOffset = 24
    /// The largest response (and request) a stream carries: as large as a FlowTest message may be.
    public static let largestMessage = 16_777_216
    /// The largest UDP payload over IPv4.
    public static let largestDatagram = 65_507

    /// Filler for responses, shared by every connection and loop: responses are slices of it, never
    /// a copy. Allocated once, never freed, never written after it is made (hence unsafe-but-safe
    /// to share).
    public nonisolated(unsafe) static let filler: UnsafeRawBufferPointer = {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        for index in 0..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        return UnsafeRawBufferPointer(bytes)
    }()

    /// The flow a FlowTest header at the start of `bytes` names ("FTH1" or "FTH2": the flow id
    /// follows the sequence number); nil for anything else.
    public static func flowID(in bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 16 else { return nil }
        let first = UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))
        guard first == 0x4654_4831 || first == magic else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Whether `bytes` start with the sized header's magic (one 4-byte load).
    @inline(__always)
    public static func startsSized(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)) == magic
    }

    /// The length to send back for a datagram of `received` bytes in `buffer` (at least 65,536
    /// bytes): `received` for anything but a sized request; for one, the response size it asks
    /// for, with filler written after its header; nil for a sized request that cannot be answered.
    public static func datagramReply(_ buffer: UnsafeMutableRawBufferPointer, received: Int) -> Int? {
        guard startsSized(UnsafeRawBufferPointer(rebasing: buffer[..<received])) else { return received }
        guard received >= headerSize else { return nil }
        let size = Int(UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: responseSizeOffset, as: UInt32.self)))
        guard size >= headerSize, size <= largestDatagram, size <= buffer.count else { return nil }
        var offset = headerSize
        while offset < size {
            let count = min(size - offset, filler.count)
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + count]).copyMemory(from: UnsafeRawBufferPointer(rebasing: filler[..<count]))
            offset += count
        }
        return size
    }
}
