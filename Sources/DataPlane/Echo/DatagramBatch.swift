#if canImport(Glibc)
import Glibc
#endif

/// One loop's buffers for batched datagrams (recvmmsg/sendmmsg): `count` slots of the largest
/// datagram each, their source addresses and lengths. Replies are written in place, so an echo
/// copies nothing. Reserved once per loop; pages are touched only as datagrams fill them.
struct DatagramBatch {
    static let count = 32
    static let stride = 65_536

    let buffers = UnsafeMutableRawPointer.allocate(byteCount: count * stride, alignment: 16)
    let addresses = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: count)
    let addressLengths = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
    let lengths = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
    /// Room for each datagram's ancillary data (a traffic class, a flow label, a packet info).
    static let controlStride = 256
    let controls = UnsafeMutablePointer<UInt8>.allocate(capacity: count * controlStride)
    let controlLengths = UnsafeMutablePointer<UInt32>.allocate(capacity: count)

    func deallocate() {
        buffers.deallocate()
        addresses.deallocate()
        addressLengths.deallocate()
        lengths.deallocate()
        controls.deallocate()
        controlLengths.deallocate()
    }

    /// Slot `index`'s buffer.
    func slot(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: buffers + index * Self.stride, count: Self.stride)
    }
}
