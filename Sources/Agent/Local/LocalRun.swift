import FlowTestShared
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

/// One FlowTest run on this machine: an echo server and every generator replica in this
/// process on loopback (or generators only, towards an External target), ending with the
/// status the controller would have written.
struct LocalRun {
    let options: LocalRunOptions
    let settings: CommonSettings

    /// How long a run takes at most to end after SIGTERM or SIGINT, whatever its InfluxDB export
    /// and the readers of its stdout and stderr are doing (README, local mode): the export's final
    /// flush (10 s at most), the final output, and time to spare on a busy machine.
    static let shutdownBound = Duration.seconds(15)

    struct Outcome {
        /// The FlowTest as run (the file's spec with defaults, and any `--duration`), with its status.
        var flowTest: FlowTest
        var interrupted: Bool

        var status: FlowTestStatus { flowTest.status ?? FlowTestStatus() }

        /// 0 Succeeded, 1 a threshold failed, 130 interrupted (as for SIGINT).
        var exitCode: Int32 {
            interrupted ? 130 : (status.phase == .succeeded ? 0 : 1)
        }
    }

    func run() async throws -> Outcome {
        var flowTest: FlowTest
        do { flowTest = try FlowTestFile.load(options.file) } catch {
            CommandLineOutput.lines(error.description)
            throw ExitCode2()
        }
        if let duration = options.duration { flowTest.spec.duration = duration }
        let spec = flowTest.spec
        let name = flowTest.metadata.name ?? "flowtest"
        let runtime = AgentRuntime.start(role: "run", settings: settings)
        // The bound holds whatever still waits after a signal; a second early, for a busy machine.
        TerminationWatchdog(bound: Self.shutdownBound - .seconds(1), exitCode: 130).start()
        // One log for every agent of the run; each record names its agent.
        let flowLog = try options.flowLog.map { settings in
            var settings = settings
            settings.flowTest = name
            return try FlowLogWriter(settings: settings)
        }
        let echoClock = WallClockAnchor()
        let echoRecorder = flowLog.map { FlowRecorder(writer: $0, agent: "\(name)-echo-0", clock: echoClock) }
        for note in FlowTestFile.clusterOnlyNotes(spec) { runtime.logger.notice("\(note)") }
        if spec.flowLog != nil, options.flowLog == nil {
            runtime.logger.notice("flowLog: in a cluster agents write records to stdout; locally give --flow-log FILE for them")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let started = Date()
        let clock = ContinuousClock.now

        let echo = spec.target.mode == .external ? nil : try await startEcho(spec, runtime: runtime, group: group, flowLog: echoRecorder)
        // The ports the echo bound, by the port the spec asked for: the same with fixed ports,
        // the kernel's picks with --any-ports.
        let echoPorts = spec.echoPorts
        func boundPorts(_ transport: Transport) -> [Int: Int] {
            let asked = echoPorts[transport].map { Int($0) }
            guard let echo else { return Dictionary(uniqueKeysWithValues: zip(asked, asked)) }
            let ports: [Int] = echo.listeners.filter { $0.transport == transport }.map(\.port)
            return Dictionary(zip(asked, ports), uniquingKeysWith: { $1 })
        }
        let portMap = PerTransport(tcp: boundPorts(.tcp), udp: boundPorts(.udp))
        let tcpPorts = spec.ports.tcp.map { Int64(portMap.tcp[Int($0)] ?? Int($0)) }
        let udpPorts = spec.ports.udp.map { Int64(portMap.udp[Int($0)] ?? Int($0)) }
        // Each family of target.ipFamilies on its loopback address; flows go to each in turn.
        let target = spec.target.mode == .external ? spec.target.host! : Self.loopbacks(spec)
        let configurations = try (0..<spec.generators.replicas).map { replica in
            let arguments = spec.generatorArguments(target: target, tcpPorts: tcpPorts, udpPorts: udpPorts, seedOffset: replica)
            var configuration = try GeneratorConfiguration.resolve(GenerateOptions.parse(arguments), SettingResolver(environment: [:]))
            configuration.remapMixPorts(portMap)
            // Fireflies go to the port the echo counts them on (with --any-ports, the kernel's pick).
            if configuration.marking.fireflyPort != nil, let port = echo?.fireflyPort { configuration.marking.fireflyPort = port }
            return configuration
        }
        let metrics = GeneratorMetrics(registry: runtime.registry, patternNames: configurations.first?.trafficMix?.patternNames ?? [])
        // Every TCP flow holds two descriptors here (both ends), shared by all replicas.
        let perGenerator = FileDescriptorLimit.reserve + (runtime.descriptorLimit - FileDescriptorLimit.reserve) / (2 * Int(spec.generators.replicas))
        var generators: [GeneratorService] = []
        for (replica, configuration) in configurations.enumerated() {
            var logger = runtime.logger
            logger[metadataKey: "agent"] = "\(name)-generator-\(replica)"
            let statistics = GeneratorStatistics(configuration: configuration, shardCount: Array(group.makeIterator()).count)
            generators.append(GeneratorService(
                configuration: configuration, group: group, statistics: statistics, metrics: metrics,
                descriptorLimit: perGenerator, logger: logger,
                flowLog: flowLog.map { FlowRecorder(writer: $0, agent: "\(name)-generator-\(replica)", clock: statistics.clock) }))
        }
        let runner = LocalGeneratorsService(generators: generators, showProgress: !options.quiet)
        let recorders = generators.map { TimeSeriesRecorder(byteLimit: $0.configuration.timelineBytes) }
        let echoMetrics = echo.map { EchoMetrics(registry: runtime.registry, listeners: $0.listeners, fireflies: $0.fireflies) }
        let telemetry = try await runtime.bindTelemetry(settings) {
            echoMetrics?.publish()
            return metrics.publish(runner.snapshot())
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: telemetry)]
        if let exporter = try exporter(name: name, namespace: flowTest.metadata.namespace ?? "default", spec: spec, generators: generators, echo: echo, started: started, runtime: runtime) {
            services.append(.init(service: exporter))
        }
        // Before the agents: it shuts down after them, once every record is queued.
        if let flowLog { services.append(.init(service: FlowLogService(writer: flowLog, logger: runtime.logger) { await group.settle() })) }
        if let echo { services.append(.init(service: echo)) }
        // Shut down after the generators (reverse order): the last sample of each is their end.
        for (generator, recorder) in zip(generators, recorders) {
            services.append(.init(service: TimeSeriesSamplingService(recorder: recorder, snapshot: { generator.statistics.snapshot() })))
        }
        services.append(.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup))
        try await runtime.run(services)

        let elapsed = ContinuousClock.now - clock
        // One process, one incarnation of each agent: the same layout the cluster's status has.
        let incarnation = AgentIncarnation(podUID: nil, startTime: started).id
        var agents: [String: AgentStatus] = [:]
        for (replica, generator) in generators.enumerated() {
            let report = AgentReport.generator(
                generator.statistics.snapshot(), elapsed: generator.runProgress.elapsed, finished: true, started: started, timeline: recorders[replica].series)
            agents["\(name)-generator-\(replica)"] = AgentStatus(role: .generator, incarnations: [incarnation: report])
        }
        if let echo {
            let report = AgentReport.echo(echo.statistics(), elapsed: elapsed, finished: true, started: started, firefliesReceived: echo.firefliesReceived)
            agents["\(name)-echo-0"] = AgentStatus(role: .echo, incarnations: [incarnation: report])
        }
        var status = FlowTestStatus.completed(
            spec: spec, generation: flowTest.metadata.generation ?? 1, agents: agents, startTime: started, completionTime: Date())
        if runner.wasInterrupted { status.markInterrupted() }
        flowTest.status = status
        let outcome = Outcome(flowTest: flowTest, interrupted: runner.wasInterrupted)
        try LocalRunPrinter(name: name, format: options.output).print(outcome)
        if let path = options.report {
            // One line, as for every other startup or output problem; the status is out already.
            do { try ReportFile.write(flowTest, to: path) } catch { throw StartupError(error.description) }
        }
        return outcome
    }

    /// Every agent of the run as the cluster would export it, each under its own agent name.
    private func exporter(
        name: String, namespace: String, spec: FlowTestSpec, generators: [GeneratorService], echo: EchoService?, started: Date,
        runtime: AgentRuntime
    ) throws -> InfluxDBExportService? {
        // Flags win; otherwise the file's spec.export.influxDB, with credentials from the environment.
        var fromSpec: InfluxDBSettings?
        if options.influxDB == nil, let influx = spec.export?.influxDB {
            fromSpec = try InfluxDBSettings.resolve(InfluxDBOptions.parse(influx.arguments), SettingResolver(environment: ProcessInfo.processInfo.environment))
        }
        guard let settings = options.influxDB ?? fromSpec else { return nil }
        let clock = ContinuousClock.now
        // After a signal the final flush ends 3 s before the bound: time to print the status.
        let finalDeadline: @Sendable () -> ContinuousClock.Instant? = { TerminationSignal.shared.receivedAt.map { $0 + Self.shutdownBound - .seconds(3) } }
        return InfluxDBExportService(
            writer: InfluxDBWriter(settings: settings, logger: runtime.logger, metrics: InfluxDBMetrics(registry: runtime.registry)),
            finalDeadline: finalDeadline
        ) { finished in
            var points: [LinePoint] = []
            for (replica, generator) in generators.enumerated() {
                let identity = ExportIdentity(
                    flowTest: name, namespace: namespace, agent: "\(name)-generator-\(replica)", role: "generator", pattern: spec.flows.pattern.rawValue)
                let report = AgentReport.generator(generator.statistics.snapshot(), elapsed: generator.runProgress.elapsed, finished: finished, started: started)
                points += InfluxDBExportService.points(report, identity)
            }
            if let echo {
                let identity = ExportIdentity(flowTest: name, namespace: namespace, agent: "\(name)-echo-0", role: "echo")
                points += InfluxDBExportService.points(.echo(echo.statistics(), elapsed: .now - clock, finished: finished, started: started, firefliesReceived: echo.firefliesReceived), identity)
            }
            return points
        }
    }

    /// The loopback addresses of the spec's IP families (`127.0.0.1`, `::1`, or both), joined by commas.
    static func loopbacks(_ spec: FlowTestSpec) -> String {
        (spec.target.ipFamilies ?? [.ipv4]).map(\.loopback).joined(separator: ",")
    }

    private func startEcho(
        _ spec: FlowTestSpec, runtime: AgentRuntime, group: MultiThreadedEventLoopGroup, flowLog: FlowRecorder?
    ) async throws -> EchoService {
        var configuration = try EchoConfiguration.resolve(EchoOptions.parse(spec.echoArguments()), SettingResolver(environment: [:]))
        configuration.bindAddress = Self.loopbacks(spec)
        if options.anyPorts {
            // The spec's ports still choose what a listener's server says first (MySQL, SMTP, FTP).
            configuration.tcpProtocolPorts = configuration.tcpPorts
            configuration.tcpPorts = configuration.tcpPorts.map { _ in 0 }
            configuration.udpPorts = configuration.udpPorts.map { _ in 0 }
            configuration.fireflyPort = configuration.fireflyPort.map { _ in 0 }
        }
        return try await EchoService.bind(
            configuration, connectionLimit: runtime.descriptorLimit - FileDescriptorLimit.reserve, readiness: runtime.readiness,
            group: group, logger: runtime.logger, flowLog: flowLog)
    }
}
