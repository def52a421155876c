import ArgumentParser
import FlowTestShared
import Foundation
import NIOPosix
import ServiceLifecycle

/// `flowtest-agent echo`: TCP and UDP echo servers.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo", abstract: "Echo every TCP byte and UDP datagram back unchanged.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: EchoOptions
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var export: InfluxDBOptions
    @OptionGroup var flowLogOptions: FlowLogOptions

    func run() async throws {
        let resolver = SettingResolver(environment: ProcessInfo.processInfo.environment)
        let settings = try CommonSettings.resolve(common, resolver)
        let configuration = try EchoConfiguration.resolve(options, resolver)
        let reportingSettings = try ReportingSettings.resolve(reporting, resolver)
        let exportSettings = try InfluxDBSettings.resolve(export, resolver)
        let flowLogSettings = try FlowLogSettings.resolve(flowLogOptions, resolver, flowTest: reportingSettings?.flowTest)
        let runtime = AgentRuntime.start(role: "echo", settings: settings)
        let flowLog = try flowLogSettings.map { try FlowLogWriter(settings: $0) }
        let connectionLimit = max(1, runtime.descriptorLimit - FileDescriptorLimit.reserve)
        if let cap = configuration.maxConnections, cap > connectionLimit {
            runtime.logger.warning(
                "--max-connections is above what the descriptor limit allows",
                metadata: ["max-connections": "\(cap)", "nofile": "\(runtime.descriptorLimit)"])
        }
        let echo = try await EchoService.bind(
            configuration, connectionLimit: connectionLimit, readiness: runtime.readiness,
            group: MultiThreadedEventLoopGroup.singleton, logger: runtime.logger,
            flowLog: flowLog.map { FlowRecorder(writer: $0, agent: ExportIdentity(reporting: reportingSettings, role: "echo").agent, clock: WallClockAnchor()) })
        let metrics = EchoMetrics(registry: runtime.registry, listeners: echo.listeners, fireflies: echo.fireflies)
        let telemetry = try await runtime.bindTelemetry(settings) {
            metrics.publish()
            return []
        }
        let started = ContinuousClock.now
        let startTime = Date()
        let exportWriter = exportSettings.map {
            InfluxDBWriter(settings: $0, logger: runtime.logger, metrics: InfluxDBMetrics(registry: runtime.registry))
        }
        // One report for the status and the export: the export's own counts ride along.
        let makeReport: @Sendable (Bool) -> AgentReport = { finished in
            var report = AgentReport.echo(
                echo.statistics(), elapsed: .now - started, finished: finished, started: startTime, firefliesReceived: echo.firefliesReceived)
            report.influxDB = exportWriter?.counts.reported
            report.flowLog = flowLog?.counts
            return report
        }
        let reporter = try reportingSettings.map { settings in
            StatusReporter(client: try settings.makeClient(), settings: settings, role: .echo, logger: runtime.logger, makeReport: makeReport)
        }
        let exporter = exportWriter.map { writer in
            let identity = ExportIdentity(reporting: reportingSettings, role: "echo")
            return InfluxDBExportService(writer: writer) { finished in InfluxDBExportService.points(makeReport(finished), identity) }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: telemetry)]
        if let reporter { services.append(.init(service: reporter)) }
        if let exporter { services.append(.init(service: exporter)) }
        if let flowLog {
            // Connections close on their event loops: let those closes run before the log ends.
            services.append(.init(service: FlowLogService(writer: flowLog, logger: runtime.logger) { await MultiThreadedEventLoopGroup.singleton.settle() }))
        }
        services.append(.init(service: echo, successTerminationBehavior: .gracefullyShutdownGroup))
        try await runtime.run(services)
        var report = EchoReport(listeners: echo.statistics())
        report.flowLog = flowLog?.counts
        report.marking = makeReport(true).marking
        CommandLineOutput.result(try report.json())
        try reporter?.requireFinalReport()
    }
}
