import Synchronization

/// Whether the process is ready for traffic; `/readyz` answers from it.
///
/// Liveness (`/healthz`) needs no state: answering at all is proof of life.
public final class ReadinessState: Sendable {
    private let ready = Atomic<Bool>(false)
    private let reasonText = Mutex<String>("starting")

    public init() {}

    /// Marks the process ready.
    public func markReady() {
        reasonText.withLock { $0 = "ready" }
        ready.store(true, ordering: .releasing)
    }

    /// Marks the process not ready, for example while it drains on shutdown.
    public func markNotReady(_ reason: String) {
        ready.store(false, ordering: .releasing)
        reasonText.withLock { $0 = reason }
    }

    /// Whether `/readyz` should answer 200.
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// A short human explanation of the current state, the body of `/readyz`.
    public var reason: String { reasonText.withLock { $0 } }
}
