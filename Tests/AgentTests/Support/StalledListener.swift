import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on loopback whose accept queue is full and never drained, so that every
/// further connect hangs: Linux drops a SYN for a full queue, and the client retransmits until
/// its connect timeout. What a generator sees of an overloaded or black-holed peer.
final class StalledListener: Sendable {
    let port: Int
    private let listener: Int32
    private let fillers: [Int32]

    init() throws {
        // A backlog of 0 holds one connection; the queue is full from the second on.
        let (listener, address) = try LoopbackListener.open(backlog: 0)
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the queue with non-blocking connects (a blocking one would hang on the second).
        let target = address
        fillers = (0..<3).map { _ in
            var address = target
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            return filler
        }
        usleep(100_000)
    }

    func close() {
        for filler in fillers { Glibc.close(filler) }
        Glibc.close(listener)
    }
}
