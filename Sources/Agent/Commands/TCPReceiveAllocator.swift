import NIOCore

/// How echo and generator TCP channels size their receive buffers: NIO's adaptive policy (halve
/// after two small reads in a row, double after a read that filled the buffer), 64 B to 64 KiB,
/// starting at 128 B.
///
/// Why not `AdaptiveRecvByteBufferAllocator` itself: NIO keeps each channel's last receive buffer,
/// so the default 2 KiB start cost every open connection 2 KiB even when idle; and NIO's
/// allocator is 33 bytes, too big for an existential's inline storage, so every channel's first
/// read copied it into a 56-byte heap box (malloc census in docs/benchmarks.md). Sizes kept as
/// powers of two in 2 bytes fit inline. Busy flows still grow to 64 KiB reads.
struct TCPReceiveAllocator: RecvByteBufferAllocator {
    private static let minimumShift: UInt8 = 6
    private static let maximumShift: UInt8 = 16

    /// log2 of the next buffer's size.
    private var shift: UInt8 = 7
    /// The previous read was small too: the next small one halves the buffer.
    private var decreaseNow = false

    static let adaptive = TCPReceiveAllocator()

    func buffer(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(capacity: 1 << Int(shift))
    }

    func nextBufferSize() -> Int? {
        1 << Int(shift)
    }

    mutating func record(actualReadBytes: Int) -> Bool {
        let size = 1 << Int(shift)
        if actualReadBytes <= size >> 1, shift > Self.minimumShift {
            if decreaseNow { shift -= 1 }
            decreaseNow.toggle()
            return false
        }
        decreaseNow = false
        guard actualReadBytes >= size, shift < Self.maximumShift else { return false }
        shift += 1
        return true
    }
}
