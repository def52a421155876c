import NIOCore

/// The flows open on one event loop, so that a stop reaches each of them there.
///
/// Handlers enter and leave on their own loop, so the table needs no lock and no close callback;
/// the locked dictionary of channels it replaced, with a `closeFuture` callback per flow, cost
/// each open flow about 150 bytes (malloc census in docs/benchmarks.md). Thread safety: `enter`
/// and `leave` run only on `loop` (checked in debug builds) and `stopAll` hops onto it, which is
/// why the class can be `@unchecked Sendable`.
final class OpenFlows: @unchecked Sendable {
    private let loop: any EventLoop
    private var flows: [ObjectIdentifier: any FlowOnLoop] = [:]
    private var stopped = false

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Enters `flow`; false once `stopAll` has run, and the flow must then stop at once.
    func enter(_ flow: any FlowOnLoop) -> Bool {
        loop.assertInEventLoop()
        guard !stopped else { return false }
        flows[ObjectIdentifier(flow)] = flow
        return true
    }

    /// Removes `flow` once it has ended.
    func leave(_ flow: any FlowOnLoop) {
        loop.assertInEventLoop()
        flows.removeValue(forKey: ObjectIdentifier(flow))
    }

    /// Stops every flow open on the loop, and every flow that connects after this.
    func stopAll() {
        loop.execute { [self] in
            stopped = true
            // Collect first: a stopping flow leaves the dictionary.
            for flow in Array(flows.values) { flow.stop() }
        }
    }
}
