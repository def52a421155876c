/// A flow's handler as its event loop's `OpenFlows` sees it.
protocol StoppableFlow: AnyObject {
    /// Ends the flow now, counted as completed (shutdown, or the end of the run).
    func stop()
}
