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

    func run() async throws {
        let resolver = SettingResolver(environment: ProcessInfo.processInfo.environment)
        let settings = try CommonSettings.resolve(common, resolver)
        let configuration = try EchoConfiguration.resolve(options, resolver)
        let reportingSettings = try ReportingSettings.resolve(reporting, resolver)
        let exportSettings = try InfluxDBSettings.resolve(export, resolver)
        let runtime = AgentRuntime.start(role: "echo", settings: settings)
        let connectionLimit = max(1, runtime.descriptorLimit - FileDescriptorLimit.reserve)
        if let cap = configuration.maxConnections, cap > connectionLimit {
            runtime.logger.warning(
                "--max-connections is above what the descriptor limit allows",
                metadata: ["max-connections": "\(cap)", "nofile": "\(runtime.descriptorLimit)"])
        }
        let echo = try await EchoService.bind(
            configuration, connectionLimit: connectionLimit, readiness: runtime.readiness,
            group: MultiThreadedEventLoopGroup.singleton, logger: runtime.logger)
        let metrics = EchoMetrics(registry: runtime.registry, listeners: echo.listeners)
        let telemetry = try await runtime.bindTelemetry(settings) { metrics.publish() }
        let started = ContinuousClock.now
        let startTime = Date()
        let exportWriter = exportSettings.map {
            InfluxDBWriter(settings: $0, logger: runtime.logger, metrics: InfluxDBMetrics(registry: runtime.registry))
        }
        // One report for the status and the export: the export's own counts ride along.
        let makeReport: @Sendable (Bool) -> AgentReport = { finished in
            var report = AgentReport.echo(echo.statistics(), elapsed: .now - started, finished: finished, started: startTime)
            report.influxDB = exportWriter?.counts.reported
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
        services.append(.init(service: echo, successTerminationBehavior: .gracefullyShutdownGroup))
        try await runtime.run(services)
        CommandLineOutput.result(try EchoReport(listeners: echo.statistics()).json())
        try reporter?.requireFinalReport()
    }
}
