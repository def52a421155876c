import ArgumentParser
import FlowTestShared
import Foundation
import NIOPosix
import ServiceLifecycle

/// `flowtest-agent generate`: flows towards an echo server, measured.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate TCP/UDP flows against an echo server and print a JSON summary.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: GenerateOptions
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var export: InfluxDBOptions
    @OptionGroup var flowLogOptions: FlowLogOptions

    func run() async throws {
        let resolver = SettingResolver(environment: ProcessInfo.processInfo.environment)
        let settings = try CommonSettings.resolve(common, resolver)
        let configuration = try GeneratorConfiguration.resolve(options, resolver)
        let reportingSettings = try ReportingSettings.resolve(reporting, resolver)
        let exportSettings = try InfluxDBSettings.resolve(export, resolver)
        let flowLogSettings = try FlowLogSettings.resolve(flowLogOptions, resolver, flowTest: reportingSettings?.flowTest)
        let runtime = AgentRuntime.start(role: "generator", settings: settings)
        let flowLog = try flowLogSettings.map { try FlowLogWriter(settings: $0) }
        let group = MultiThreadedEventLoopGroup.singleton
        let statistics = GeneratorStatistics(configuration: configuration, shardCount: Array(group.makeIterator()).count)
        let metrics = GeneratorMetrics(registry: runtime.registry, patternNames: configuration.trafficMix?.patternNames ?? [])
        let generator = GeneratorService(
            configuration: configuration, group: group, statistics: statistics, metrics: metrics,
            descriptorLimit: runtime.descriptorLimit, logger: runtime.logger,
            flowLog: flowLog.map { FlowRecorder(writer: $0, agent: ExportIdentity(reporting: reportingSettings, role: "generator").agent, clock: statistics.clock) })
        let telemetry = try await runtime.bindTelemetry(settings) { metrics.publish(statistics.snapshot()) }
        let startTime = Date()
        let exportWriter = exportSettings.map {
            InfluxDBWriter(settings: $0, logger: runtime.logger, metrics: InfluxDBMetrics(registry: runtime.registry))
        }
        // One report for the status and the export: the export's own counts ride along.
        let recorder = TimeSeriesRecorder(byteLimit: configuration.timelineBytes)
        let makeReport: @Sendable (Bool) -> AgentReport = { finished in
            var report = AgentReport.generator(
                statistics.snapshot(), elapsed: generator.runProgress.elapsed, finished: finished, started: startTime, timeline: recorder.series)
            report.influxDB = exportWriter?.counts.reported
            report.flowLog = flowLog?.counts
            return report
        }
        let reporter = try reportingSettings.map { settings in
            StatusReporter(client: try settings.makeClient(), settings: settings, role: .generator, logger: runtime.logger, makeReport: makeReport)
        }
        let exporter = exportWriter.map { writer in
            let identity = ExportIdentity(reporting: reportingSettings, role: "generator", pattern: configuration.pattern.rawValue)
            return InfluxDBExportService(writer: writer) { finished in InfluxDBExportService.points(makeReport(finished), identity) }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: telemetry)]
        if let reporter { services.append(.init(service: reporter)) }
        if let exporter { services.append(.init(service: exporter)) }
        if let flowLog { services.append(.init(service: FlowLogService(writer: flowLog, logger: runtime.logger))) }
        // After the reporter and the exporter, so its last sample is in their final reports.
        services.append(.init(service: TimeSeriesSamplingService(recorder: recorder, snapshot: { statistics.snapshot() })))
        services.append(.init(service: generator, successTerminationBehavior: .gracefullyShutdownGroup))
        try await runtime.run(services)
        var report = GeneratorReport(
            configuration: configuration, snapshot: statistics.snapshot(), progress: generator.runProgress, startTime: startTime)
        // Stdout has no size limit to keep: the JSON summary lists up to a thousand intervals.
        report.disruption = statistics.disruption(intervalLimit: GeneratorReport.intervalLimit)
        report.flowLog = flowLog?.counts
        CommandLineOutput.result(try report.json())
        try reporter?.requireFinalReport()
    }
}
