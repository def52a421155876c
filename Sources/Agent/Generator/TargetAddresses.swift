import NIOCore
import Synchronization

/// The targets' current addresses, written by the resolver task and read by the pacers on the
/// event loops (once per wake-up, not once per flow).
final class TargetAddresses: Sendable {
    private let addresses: Mutex<[SocketAddress?]>

    init(_ addresses: [SocketAddress?]) {
        self.addresses = Mutex(addresses)
    }

    /// Each target's address by position; nil where the name does not resolve.
    var current: [SocketAddress?] {
        addresses.withLock { $0 }
    }

    /// Replaces the address of the target at `position`.
    func update(_ address: SocketAddress?, at position: Int) {
        addresses.withLock { $0[position] = address }
    }
}
