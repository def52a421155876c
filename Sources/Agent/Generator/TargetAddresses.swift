import NIOCore
import Synchronization

/// The targets' current addresses, written by the resolver task and read by the pacers on the
/// event loops (once per wake-up, not once per flow).
///
/// Each target resolves to some addresses (one for an IP or a Service name, one per echo pod
/// for a headless Service's); flows turn through all of them, as they turn through targets. A
/// target that does not resolve keeps one empty place, so that its share of the flows fails
/// with reason `dns` instead of quietly going elsewhere. With a `window`, this generator dials
/// only its window of them (`PeerWindow`).
final class TargetAddresses: Sendable {
    private struct State {
        var byTarget: [[SocketAddress]]
        var current: [SocketAddress?]
    }

    private let window: PeerWindow?
    private let state: Mutex<State>

    init(_ byTarget: [[SocketAddress]], window: PeerWindow? = nil) {
        self.window = window
        self.state = Mutex(State(byTarget: byTarget, current: Self.dialled(byTarget, window: window)))
    }

    /// The addresses flows go to, in turn; nil where a target does not resolve. Never empty.
    var current: [SocketAddress?] {
        state.withLock { $0.current }
    }

    /// Replaces the addresses of the target at `position` (empty: it does not resolve now);
    /// true when they changed.
    @discardableResult
    func update(_ addresses: [SocketAddress], at position: Int) -> Bool {
        state.withLock { state in
            guard state.byTarget[position] != addresses else { return false }
            state.byTarget[position] = addresses
            state.current = Self.dialled(state.byTarget, window: window)
            return true
        }
    }

    /// Every target's addresses in target order, an empty place for one that does not resolve,
    /// then this generator's window of them.
    static func dialled(_ byTarget: [[SocketAddress]], window: PeerWindow?) -> [SocketAddress?] {
        let all: [SocketAddress?] = byTarget.flatMap { $0.isEmpty ? [nil] : $0.map(Optional.some) }
        let chosen = window?.select(all) ?? all
        return chosen.isEmpty ? [nil] : chosen
    }
}
