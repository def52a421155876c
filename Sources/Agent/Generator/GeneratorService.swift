import FlowTestShared
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Runs a generator: starts flows on schedule until the flow count or time limit is reached (or
/// shutdown is requested), then waits for open flows to end.
///
/// Pacing is level-based: at each wake-up it starts every flow whose start time has passed, so a
/// late wake-up delays a few flows by microseconds but never changes how many start per second.
final class GeneratorService: Service, Sendable {
    let configuration: GeneratorConfiguration
    let statistics: GeneratorStatistics
    private let launcher: FlowLauncher
    private let logger: Logger
    private let progress: RunProgress

    init(
        configuration: GeneratorConfiguration, group: MultiThreadedEventLoopGroup, statistics: GeneratorStatistics,
        metrics: GeneratorMetrics, descriptorLimit: Int, logger: Logger
    ) {
        self.configuration = configuration
        self.statistics = statistics
        self.logger = logger
        self.progress = RunProgress()
        let environment = FlowEnvironment(configuration: configuration, statistics: statistics, metrics: metrics)
        self.launcher = FlowLauncher(
            group: group, configuration: configuration, environment: environment, descriptorLimit: descriptorLimit)
    }

    /// Start-rate figures and timing of the run so far.
    var runProgress: RunProgress.Figures { progress.figures }

    func run() async throws {
        logger.info(
            "generator starting",
            metadata: [
                "target": "\(configuration.target)", "pattern": "\(configuration.pattern.rawValue)",
                "rate": "\(configuration.rate)", "protocol": "\(configuration.flowProtocol.rawValue)",
                "seed": "\(configuration.seed)",
            ])
        let clock = ContinuousClock()
        let start = clock.now
        let startDeadline = NIODeadline.now()
        progress.started()
        launcher.start()
        defer { launcher.stop() }
        await withDiscardingTaskGroup { group in
            if configuration.monitor {
                group.addTask { [statistics, progress, settleTime = configuration.responseTimeout] in
                    await ProgressMonitor(
                        snapshot: { statistics.snapshot() }, elapsed: { progress.figures.elapsed },
                        settleTime: settleTime
                    ).run()
                }
            }
            // Shutdown (SIGTERM/SIGINT) cancels pacing; flows still open are then stopped below.
            await cancelWhenGracefulShutdown { [self] in
                await startFlows(clock: clock, start: start, startDeadline: startDeadline)
                await waitForOpenFlows(clock: clock, start: start)
            }
            launcher.stopAll()
            await waitUntilClosed()
            group.cancelAll()
        }
        progress.finished()
        logger.info("generator finished", metadata: ["flows": "\(statistics.snapshot().total.flowsStarted)"])
    }

    private func startFlows(clock: ContinuousClock, start: ContinuousClock.Instant, startDeadline: NIODeadline) async {
        let resolvers = configuration.targets.map { TargetResolver(host: $0) }
        var addresses: [SocketAddress?] = []
        for resolver in resolvers { addresses.append(await resolver.resolve(logger: logger)) }
        let refreshInterval = resolvers[0].refreshInterval
        let needsResolving = resolvers.contains { !$0.isLiteral }
        var nextResolve = clock.now + refreshInterval
        let schedule = FlowSchedule(
            pattern: configuration.pattern, rate: configuration.rate, maxConcurrent: configuration.maxConcurrent,
            minDuration: configuration.minDuration, maxDuration: configuration.maxDuration,
            protocol: configuration.flowProtocol, tcpPorts: configuration.tcpPorts, udpPorts: configuration.udpPorts,
            targetCount: resolvers.count, seed: configuration.seed, runLength: configuration.timeLimit)
        let runEnd = configuration.timeLimit.map { startDeadline + TimeAmount($0) }
        // flowCount counts flows started: an arrival skipped at maxConcurrent is not a flow.
        var launched: UInt64 = 0
        for flow in schedule {
            if let count = configuration.flowCount, launched >= count { break }
            if let limit = configuration.timeLimit, flow.start >= limit { break }
            let due = start + flow.start
            // Sleeping for less than this costs more in wake-up latency than it saves.
            if due - clock.now > .microseconds(200) {
                do { try await Task.sleep(until: due, tolerance: .microseconds(100), clock: clock) } catch { return }
            }
            if Task.isCancelled { return }
            if clock.now >= nextResolve, needsResolving {
                for (position, resolver) in resolvers.enumerated() where !resolver.isLiteral {
                    addresses[position] = await resolver.resolve(logger: logger)
                }
                nextResolve = clock.now + refreshInterval
            }
            progress.recordStart(at: clock.now - start)
            if configuration.pattern == .random, statistics.activeFlows >= configuration.maxConcurrent {
                statistics.flowSkipped()
                continue
            }
            var lifetimeEnd = startDeadline + TimeAmount(flow.start + flow.lifetime)
            if let runEnd { lifetimeEnd = min(lifetimeEnd, runEnd) }
            launcher.launch(flow, to: addresses[flow.target], lifetimeEnd: lifetimeEnd)
            launched += 1
        }
    }

    /// Waits for flows to end and settle on their own; with a time limit, no longer than the limit
    /// plus the time a last echo may take.
    private func waitForOpenFlows(clock: ContinuousClock, start: ContinuousClock.Instant) async {
        let cutoff = configuration.timeLimit.map { start + $0 + configuration.responseTimeout + .seconds(1) }
        while statistics.unsettledFlows > 0 {
            if let cutoff, clock.now >= cutoff { return }
            do { try await Task.sleep(for: .milliseconds(5)) } catch { return }
        }
    }

    /// After `stopAll`, waits briefly for the stop events to be processed on the event loops.
    private func waitUntilClosed() async {
        for _ in 0..<400 where statistics.unsettledFlows > 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
