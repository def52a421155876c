import NIOCore
import Synchronization

/// The open TCP connections of all echo listeners: enforces the connection cap and lets
/// shutdown wait for, then close, whatever is still open.
final class EchoConnectionRegistry: Sendable {
    let limit: Int
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds `channel` unless the cap is reached; it leaves the registry when it closes.
    func admit(_ channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel)
        let admitted = connections.withLock { open -> Bool in
            guard open.count < limit else { return false }
            open[key] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { [self] _ in _ = connections.withLock { $0.removeValue(forKey: key) } }
        }
        return admitted
    }

    var count: Int { connections.withLock { $0.count } }

    /// Closes every connection still open.
    func closeAll() {
        for channel in connections.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }
}
