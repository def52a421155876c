import FlowTestShared
import Logging
import NIOPosix
@testable import FlowTestAgent

/// An in-process echo server on free ports of loopback, for one test.
struct EchoFixture: Sendable {
    let service: EchoService

    var tcpPort: Int { service.listeners.first { $0.transport == .tcp }!.port }
    var udpPort: Int { service.listeners.first { $0.transport == .udp }!.port }

    static func start(_ adjust: (inout EchoConfiguration) -> Void = { _ in }) async throws -> EchoFixture {
        var configuration = EchoConfiguration()
        configuration.tcpPorts = [0]
        configuration.udpPorts = [0]
        adjust(&configuration)
        let service = try await EchoService.bind(
            configuration, connectionLimit: 10_000, readiness: ReadinessState(),
            group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test.echo"))
        return EchoFixture(service: service)
    }

    /// The counters of the listener for `transport`.
    func statistics(_ transport: Transport) -> EchoListenerStatistics {
        service.statistics().first { $0.protocol == transport }!
    }

    func stop() async {
        await service.shutdownNow()
    }
}
