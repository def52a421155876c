import Synchronization

/// What the loops of one echo share: the connection cap over all of them, the idle timeout and
/// the flow log's observer. The one atomic touched per connection (not per packet).
final class EchoPlaneLimits: Sendable {
    let connectionLimit: Int
    /// Nanoseconds without bytes after which a connection is closed; nil: never.
    let idleNanoseconds: UInt64?
    let observer: (any EchoConnectionObserver)?
    let datagramObserver: (any EchoDatagramObserver)?
    let active = Atomic<Int>(0)

    init(connectionLimit: Int, idleNanoseconds: UInt64?, observer: (any EchoConnectionObserver)?, datagramObserver: (any EchoDatagramObserver)?) {
        (self.connectionLimit, self.idleNanoseconds, self.observer) = (connectionLimit, idleNanoseconds, observer)
        self.datagramObserver = datagramObserver
    }

    /// Takes a place for one more connection; false at the cap.
    func admit() -> Bool {
        if active.wrappingAdd(1, ordering: .relaxed).newValue > connectionLimit {
            active.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() {
        active.wrappingSubtract(1, ordering: .relaxed)
    }
}
