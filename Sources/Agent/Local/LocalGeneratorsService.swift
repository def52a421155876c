import FlowTestShared
import ServiceLifecycle
import Synchronization

/// Runs every generator replica of a local run at once and returns when all have finished, so
/// the service group can then shut the echo server and the metrics endpoint down.
final class LocalGeneratorsService: Service, Sendable {
    let generators: [GeneratorService]
    private let showProgress: Bool
    private let interrupted = Atomic<Bool>(false)

    init(generators: [GeneratorService], showProgress: Bool) {
        self.generators = generators
        self.showProgress = showProgress
    }

    /// Whether SIGINT/SIGTERM stopped the generators before they finished on their own.
    var wasInterrupted: Bool { interrupted.load(ordering: .acquiring) }

    /// All generators' statistics merged.
    func snapshot() -> GeneratorSnapshot {
        GeneratorSnapshot.merging(generators.map { $0.statistics.snapshot() })
    }

    func run() async throws {
        let start = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            if showProgress {
                group.addTask { [self] in await ProgressMonitor(
                        snapshot: { self.snapshot() }, elapsed: { .now - start },
                        settleTime: generators.map(\.configuration.responseTimeout).max() ?? .zero
                    ).run() }
            }
            await withDiscardingTaskGroup { runs in
                for generator in generators { runs.addTask { try? await generator.run() } }
            }
            if Task.isShuttingDownGracefully { interrupted.store(true, ordering: .releasing) }
            group.cancelAll()
        }
    }
}
