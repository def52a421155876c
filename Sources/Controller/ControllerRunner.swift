import ServiceLifecycle

/// Runs the controller loop, under leader election when enabled, until shutdown.
struct ControllerRunner: Service {
    let controller: ControllerService
    let election: LeaderElector?
    let metrics: ControllerMetrics

    func run() async throws {
        await cancelWhenGracefulShutdown {
            guard let election else { return await controller.run() }
            await election.run {
                metrics.leader.set(1.0)
                await controller.run()
                metrics.leader.set(0.0)
            }
        }
    }
}
