/// A flow's handler as its event loop's `OpenFlows` and `FlowTimerWheel` see it.
///
/// Both hold the handler itself rather than a closure over it: a closure is one more heap
/// allocation per open flow, and per wake-up.
protocol FlowOnLoop: AnyObject {
    /// Ends the flow now, counted as completed (shutdown, or the end of the run).
    func stop()
    /// A wake-up the flow asked for is due: it decides from its own state what to do.
    func wokeUp()
}
