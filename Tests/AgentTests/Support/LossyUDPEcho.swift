import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A UDP echo on loopback that answers every second datagram only, unchanged: known loss, for
/// checking what the generator counts as lost (the agents' own echo never drops on loopback).
final class LossyUDPEcho: Sendable {
    let port: Int
    private let descriptor: Int32
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Bool>(true)
    /// Datagrams received and answered so far.
    let received = Atomic<Int>(0)
    let answered = Atomic<Int>(0)

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSocket.Failure.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestSocket.Failure.system("bind", errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        // Wakes every 50 ms to look at `stopping`.
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    private func serve() {
        defer { running.store(false, ordering: .releasing) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var peer = sockaddr_storage()
        while !stopping.load(ordering: .relaxed) {
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, bytes.baseAddress, bytes.count, 0, $0, &length) } }
            }
            guard count >= 0 else { continue }
            let index = received.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index % 2 == 0 else { continue }
            _ = buffer.withUnsafeBytes { bytes in
                withUnsafePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, bytes.baseAddress, count, 0, $0, length) } }
            }
            answered.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// Stops within one wake-up (bounded at two seconds) and closes the socket.
    func stop() async {
        stopping.store(true, ordering: .relaxed)
        let deadline = ContinuousClock.now + .seconds(2)
        while running.load(ordering: .acquiring), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        close(descriptor)
    }
}
