import FlowTestShared
import Foundation
import Logging
import NIOPosix
import Prometheus
@testable import FlowTestAgent

/// Runs a generator in process and returns its report, with the registry its metrics went to.
struct GeneratorRunner {
    var configuration: GeneratorConfiguration
    let registry = PrometheusCollectorRegistry()
    var descriptorLimit = FileDescriptorLimit.raiseToHardLimit()

    /// A short, quiet configuration aimed at `port` on 127.0.0.1 for both protocols.
    init(port: Int, _ adjust: (inout GeneratorConfiguration) -> Void = { _ in }) {
        var configuration = GeneratorConfiguration()
        configuration.targets = ["127.0.0.1"]
        configuration.tcpPorts = [port]
        configuration.udpPorts = [port]
        configuration.seed = 42
        configuration.messageInterval = .milliseconds(10)
        configuration.responseTimeout = .seconds(1)
        adjust(&configuration)
        self.configuration = configuration
    }

    /// Builds the service; `run()` on it runs the generator.
    func makeService() -> (GeneratorService, GeneratorMetrics) {
        let group = MultiThreadedEventLoopGroup.singleton
        let statistics = GeneratorStatistics(shardCount: Array(group.makeIterator()).count, measuresOutages: configuration.pattern == .continuous, marks: configuration.marking.isEnabled)
        let metrics = GeneratorMetrics(registry: registry)
        let service = GeneratorService(
            configuration: configuration, group: group, statistics: statistics, metrics: metrics,
            descriptorLimit: descriptorLimit, logger: Logger(label: "test.generator"))
        return (service, metrics)
    }

    /// Runs to completion and returns the report.
    func run() async throws -> GeneratorReport {
        let (service, _) = makeService()
        let startTime = Date()
        try await service.run()
        return GeneratorReport(
            configuration: configuration, snapshot: service.statistics.snapshot(), progress: service.runProgress,
            startTime: startTime)
    }
}
