#if canImport(Glibc)
import Glibc
#endif

/// Sees every datagram a UDP socket of the echo receives and every echo it sends (the flow log:
/// UDP flows by source). Each loop calls it with its own index, on its own thread, so an observer
/// can keep a table per loop that needs no lock. A plane without one asks the kernel for nothing.
public protocol EchoDatagramObserver: Sendable {
    /// A datagram of `payload` from `source` arrived at `destination` (the address it was sent to,
    /// from IP_PKTINFO; empty when unknown) on `port`, at `nowNanoseconds` (monotonic); `flowID`
    /// is the flow its protocol named (a DNS query's option), nil when it named none.
    func received(
        loop: Int, source: UnsafePointer<sockaddr_storage>, destination: String, port: Int, payload: UnsafeRawBufferPointer, flowID: UInt64?,
        nowNanoseconds: UInt64)
    /// An echo of `bytes` went back to `destination`.
    func echoed(loop: Int, to destination: UnsafePointer<sockaddr_storage>, bytes: Int)
    /// About every tick: flows whose source fell silent can end.
    func tick(loop: Int, nowNanoseconds: UInt64)
    /// The loop is ending: every flow it holds ends.
    func ended(loop: Int)
}
