import FlowTestDataPlane
import FlowTestShared
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Runs a generator: starts flows on schedule until the flow count or time limit is reached (or
/// shutdown is requested), then waits for open flows to end.
///
/// Pacing is level-based: each event loop's pacer starts, at every wake-up of the loop's timing
/// wheel (1 ms slots), each of its flows whose start time has passed, so a late wake-up delays a
/// few flows by a millisecond or so but never changes how many start per second.
final class GeneratorService: Service, Sendable {
    let configuration: GeneratorConfiguration
    let statistics: GeneratorStatistics
    private let launcher: FlowLauncher
    private let logger: Logger
    private let progress: RunProgress
    private let fireflies: FireflySender?
    private let group: MultiThreadedEventLoopGroup
    /// Continuous pattern: new short connections next to the flows; nil when none are probed.
    private let prober: NewConnectionProber?
    /// The flows' loops and sockets; nil when the run's flows live on NIO's loops (see `FlowLauncher`).
    private let dataPlane: ClientDataPlane?

    init(
        configuration: GeneratorConfiguration, group: MultiThreadedEventLoopGroup, statistics: GeneratorStatistics,
        metrics: GeneratorMetrics, descriptorLimit: Int, logger: Logger, flowLog: FlowRecorder? = nil
    ) {
        self.configuration = configuration
        self.statistics = statistics
        self.logger = logger
        self.progress = RunProgress()
        self.group = group
        let fireflies = FireflySender(configuration.marking, counters: statistics.marking, clock: statistics.clock)
        self.fireflies = fireflies
        let environment = FlowEnvironment(
            configuration: configuration, statistics: statistics, metrics: metrics, flowLog: flowLog, logger: logger, fireflies: fireflies)
        let spin = configuration.dedicatedThreads ? LatencyMode.spinNanoseconds : 0
        let dataPlane = Self.usesDataPlane ? try? ClientDataPlane(loopCount: statistics.shards.count, spinNanoseconds: spin) : nil
        self.dataPlane = dataPlane
        self.launcher = FlowLauncher(
            group: group, dataPlane: dataPlane, configuration: configuration, environment: environment, descriptorLimit: descriptorLimit)
        self.prober = launcher.makeNewConnectionProber(configuration)
    }

    /// Whether the run's flows go on the data plane: always, unless `FLOWTEST_GENERATOR_NIO`
    /// asks for NIO's loops (side-by-side benchmarks; latency mode then has no effect).
    static var usesDataPlane: Bool {
        ProcessInfo.processInfo.environment["FLOWTEST_GENERATOR_NIO"] == nil
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
        try await fireflies?.open(group: group)
        let clock = ContinuousClock()
        let start = clock.now
        progress.started()
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
                await startFlows()
                await waitForOpenFlows(clock: clock, start: start)
                // Its last probes end within responseTimeout of the end of the run.
                await prober?.finished()
            }
            launcher.stopAll()
            prober?.stop()
            await waitUntilClosed()
            group.cancelAll()
        }
        progress.finished()
        launcher.stop()
        // Every flow has ended: the data plane's loops close what is left, after the wheels' stop.
        await dataPlane?.stop()
        await fireflies?.close()
        logger.info("generator finished", metadata: ["flows": "\(statistics.snapshot().total.flowsStarted)"])
    }

    /// Starts the run's flows on schedule, each event loop its own (`FlowPacer`), until the flow
    /// count or time limit is reached or the task is cancelled; meanwhile re-resolves target names.
    private func startFlows() async {
        let hostsFile = configuration.hostsFile.map(HostsFile.init(path:))
        let resolvers = configuration.targets.map { TargetResolver(host: $0, everyAddress: configuration.everyAddress, hostsFile: hostsFile) }
        let addresses = TargetAddresses(await Self.firstLookup(resolvers, patiently: configuration.everyAddress, logger: logger), window: configuration.peerWindow)
        logger.info("targets resolved", metadata: ["addresses": "\(addresses.current.count)", "target": "\(configuration.target)"])
        // The continuous pattern has a time limit (validated); probes run as long as the flows.
        if let prober, let timeLimit = configuration.timeLimit { prober.start(addresses: addresses, runLength: timeLimit) }
        let schedule = FlowSchedule(
            pattern: configuration.pattern, rate: configuration.rate, maxConcurrent: configuration.maxConcurrent,
            minDuration: configuration.minDuration, maxDuration: configuration.maxDuration,
            protocol: configuration.flowProtocol, tcpPorts: configuration.tcpPorts, udpPorts: configuration.udpPorts,
            seed: configuration.seed, runLength: configuration.timeLimit, mix: configuration.trafficMix)
        let pacing = FlowPacing()
        // Taken after resolving, so a slow lookup does not make the first flows late.
        let run = FlowPacer.Run(
            launcher: launcher, statistics: statistics, progress: progress, addresses: addresses,
            budget: FlowCountBudget(limit: configuration.flowCount), pacing: pacing, startDeadline: .now(),
            timeLimit: configuration.timeLimit,
            skipAtConcurrent: ConcurrencyLimit.skipAt(
                pattern: configuration.pattern, maxConcurrent: configuration.maxConcurrent, rate: configuration.rate,
                loopCount: launcher.loopCount))
        for slot in 0..<launcher.loopCount { pacing.add(FlowPacer(slot: slot, schedule: schedule, run: run)) }
        let paced = pacing.start(on: launcher.loop(at: 0))
        await withDiscardingTaskGroup { group in
            if resolvers.contains(where: { !$0.isLiteral }) {
                group.addTask { [logger] in await Self.keepResolving(resolvers, into: addresses, logger: logger) }
            }
            await withTaskCancellationHandler {
                try? await paced.get()
            } onCancel: {
                pacing.cancelAll()
            }
            group.cancelAll()
        }
        // Also lets go of the pacers once they have all finished on their own.
        pacing.cancelAll()
    }

    /// Every target's addresses before the first flow. `patiently` (every address of a headless
    /// Service): a name that does not resolve yet is asked again for a few seconds, since its
    /// records appear a moment after the pods are ready (endpoints, then DNS), and a run that
    /// started meanwhile would fail its first flows with reason dns.
    private static func firstLookup(_ resolvers: [TargetResolver], patiently: Bool, logger: Logger) async -> [[SocketAddress]] {
        let deadline = ContinuousClock.now + (patiently ? firstLookupPatience : .zero)
        var resolved: [[SocketAddress]] = []
        for resolver in resolvers {
            var addresses = await resolver.resolve(logger: logger)
            while addresses.isEmpty, ContinuousClock.now < deadline {
                do { try await Task.sleep(for: .milliseconds(500)) } catch { break }
                addresses = await resolver.resolve(logger: logger)
            }
            resolved.append(addresses)
        }
        return resolved
    }

    /// How long a headless Service's name may take to resolve before the run starts anyway.
    static let firstLookupPatience = Duration.seconds(10)

    /// Looks target names up again every refresh interval, so a Service that appears or moves is
    /// picked up, and a headless Service's pods as they come and go; ends when cancelled.
    private static func keepResolving(_ resolvers: [TargetResolver], into addresses: TargetAddresses, logger: Logger) async {
        while true {
            do { try await Task.sleep(for: resolvers[0].refreshInterval) } catch { return }
            for (position, resolver) in resolvers.enumerated() where !resolver.isLiteral {
                let found = await resolver.resolve(logger: logger)
                if addresses.update(found, at: position) {
                    logger.info("target addresses changed", metadata: ["target": "\(resolver.host)", "addresses": "\(found.count)"])
                }
            }
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

    /// After `stopAll`, waits for every flow to settle, so that the final report holds every
    /// flow as completed or failed (a report taken earlier missed a flow still connecting, and
    /// its started no longer equalled completed plus failed). Open flows stop at once; a flow
    /// still connecting settles when its connect succeeds or times out, and a UDP flow after
    /// draining late echoes: so the wait is bounded by the connect timeout plus a response
    /// timeout, and a second of slack for a busy machine.
    private func waitUntilClosed() async {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.connectTimeout + configuration.responseTimeout + .seconds(1)
        while statistics.unsettledFlows > 0, clock.now < deadline {
            // A cancelled task (a second signal) wants out now, not after the bound.
            do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
        }
        if statistics.unsettledFlows > 0 {
            logger.warning(
                "flows still unsettled after the connect timeout; the final figures miss them",
                metadata: ["unsettled": "\(statistics.unsettledFlows)"])
        }
    }
}
