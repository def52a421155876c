/// Sent down a flow's pipeline to end it now, counted as completed (shutdown or end of the run).
struct FlowStopEvent: Sendable {}
