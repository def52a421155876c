import FlowTestProtocols
import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// The built-in patterns' protocols through the real generator and echo on loopback: every flow
/// completes its exchanges, the echo answers each one and finds nothing malformed, and both
/// sides count the same bytes, openings and goodbyes included.
@Suite("Protocols: the generator's conversations against the echo", .serialized, .timeLimit(.minutes(3)))
struct ProtocolFlowTests {
    /// Each pattern on each of its protocol's ports, as the spec would name it.
    static let cases: [(pattern: String, port: Int, transport: Transport)] = [
        ("web", 80, .tcp), ("web", 443, .tcp), ("dns", 53, .udp), ("dns", 53, .tcp), ("database", 5432, .tcp), ("database", 6379, .tcp),
        ("database", 3306, .tcp), ("database", 27017, .tcp), ("ssh", 22, .tcp), ("smtp", 25, .tcp), ("smtp", 465, .tcp), ("ftp", 21, .tcp),
    ]

    @Test(arguments: cases)
    func everyExchangeIsAnsweredInProtocol(_ pattern: String, port: Int, transport: Transport) async throws {
        // The echo binds a free port but speaks first as on the well-known one (--any-ports).
        let echo = try await EchoFixture.start { $0.tcpProtocolPorts = [port] }
        let bound = transport == .tcp ? echo.tcpPort : echo.udpPort
        let entry = TrafficMixTests.entry(pattern, 1) {
            $0.protocol = transport
            $0.ports = [Int64(port)]
            $0.messages = SizeRange(min: 3, max: 6)
        }
        let runner = TrafficMixTests.mixRunner([entry], flows: 12, maxConcurrent: 6, tcpPort: echo.tcpPort) { configuration in
            configuration.udpPorts = [echo.udpPort]
            configuration.messageInterval = .milliseconds(5)
            // Lifetimes of 0.6 s (maxConcurrent / rate) and patience for a loaded machine.
            configuration.rate = 10
            configuration.responseTimeout = .seconds(5)
            configuration.remapMixPorts(PerTransport(tcp: [port: bound], udp: [port: bound]))
        }
        #expect(runner.configuration.trafficMix?.kinds.first?.protocols[bound] != nil, "the flows to \(bound) speak the protocol of \(port)")
        let (service, _) = runner.makeService()
        try await service.run()
        let snapshot = service.statistics.snapshot()
        let figures = try #require(snapshot.patterns[pattern]).counters
        #expect(figures.flowsStarted == 12 && figures.flowsCompleted == 12 && figures.flowsFailed == 0, "\(figures)")
        // Each flow made 3 to 6 exchanges, or as many as its lifetime allowed on a busy machine.
        #expect(figures.messagesReceived == figures.messagesSent && figures.messagesReceived >= 12, "\(figures)")
        try await waitUntil("the echo has counted every byte") {
            echo.statistics(transport).bytesReceived == figures.bytesSent && echo.statistics(transport).bytesSent == figures.bytesReceived
        }
        let statistics = echo.statistics(transport)
        #expect(statistics.sizedResponses == figures.messagesReceived, "every exchange answered by the echo")
        #expect(statistics.malformedRequests == 0)
        await echo.stop()
    }

    /// A mix entry's host, path and dnsName are the ones its flows put on the wire.
    @Test func theNamesOfTheMixEntryAreTheFlows() throws {
        var web = TrafficMixEntry(pattern: "web", weight: 1)
        (web.host, web.path) = ("shop.example.org", "/api/v1/items")
        var dns = TrafficMixEntry(pattern: "dns", weight: 1)
        dns.dnsName = "db.internal.example.org"
        let mix = TrafficMix((web.rules + dns.rules), payload: .fixed(64))
        var http = try #require(mix.kinds[0].conversation(port: 80))
        var request: [UInt8] = []
        http.appendRequest(size: 300, responseSize: 100, into: &request)
        #expect(String(decoding: request, as: UTF8.self).hasPrefix("GET /api/v1/items HTTP/1.1\r\nHost: shop.example.org\r\n"))
        #expect(mix.kinds[0].conversation(port: 443)?.wireProtocol == .tls)
        #expect(mix.kinds[1].names.dnsName == "db.internal.example.org" && mix.kinds[1].protocols[53] == .dns)
        // Defaults where the entry gives none.
        let plain = TrafficMix(TrafficMixEntry(pattern: "web", weight: 1).rules, payload: .fixed(64))
        #expect(plain.kinds[0].names == .defaults)
    }
}
