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

    /// The counters of the listener for `transport` once `settled` holds of them, or after
    /// `timeout` as they are then. The echo counts what it sent when the write completes, which
    /// can be after the peer has already read it, so a test that reads and then checks a sent
    /// count waits here (bounded) rather than racing the echo's event loop.
    func statistics(
        _ transport: Transport, once settled: (EchoListenerStatistics) -> Bool, timeout: Duration = .seconds(10)
    ) async -> EchoListenerStatistics {
        let deadline = ContinuousClock.now + timeout
        var seen = statistics(transport)
        while !settled(seen), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
            seen = statistics(transport)
        }
        return seen
    }

    func stop() async {
        await service.shutdownNow()
    }
}
