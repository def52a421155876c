import FlowTestShared
import ServiceLifecycle

/// Marks the agent ready once its service group runs, and not ready when it starts to shut down.
///
/// Ready only from inside the group: the group traps SIGTERM before it starts services, so a
/// pod deleted the moment it turns ready still gets its graceful shutdown and final report
/// (marked ready before, a SIGTERM in between killed the process outright, figures and all).
struct ReadinessService: Service {
    let readiness: ReadinessState

    func run() async throws {
        readiness.markReady()
        try? await gracefulShutdown()
        readiness.markNotReady("shutting down")
    }
}
