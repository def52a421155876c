import FlowTestShared
import Foundation
import Testing
@testable import FlowTestAgent

/// Flows stuck connecting count toward `maxConcurrent` and settle before the final figures are
/// taken (on a real cluster an overloaded generator opened 207 flows against a limit of 50, and
/// its final report missed a flow still connecting).
@Suite("maxConcurrent under a peer that does not answer", .serialized, .timeLimit(.minutes(2)))
struct ConcurrencyLimitTests {
    @Test func constantFlowsStuckConnectingCountTowardTheLimit() async throws {
        let peer = try StalledListener()
        defer { peer.close() }
        let runner = GeneratorRunner(port: peer.port) {
            $0.flowProtocol = .tcp
            $0.pattern = .constant
            $0.rate = 100
            $0.maxConcurrent = 10
            $0.timeLimit = .seconds(1)
            $0.connectTimeout = .seconds(2)
        }
        let (service, _) = runner.makeService()
        try await service.run()
        let snapshot = service.statistics.snapshot()
        let allowance = ConcurrencyLimit.replacementAllowance(rate: 100, loopCount: 2)
        #expect(snapshot.peakActiveFlows <= 10 + allowance, "peak \(snapshot.peakActiveFlows) against a limit of 10")
        // Every arrival of the second is either started or skipped, and nothing connected.
        #expect(snapshot.total.flowsStarted + snapshot.flowsSkipped == 100, "\(snapshot.total) skipped \(snapshot.flowsSkipped)")
        #expect(snapshot.flowsSkipped > 0)
        #expect(snapshot.total.flowsFailed == snapshot.total.flowsStarted)
    }

    @Test func theFinalFiguresWaitForFlowsStillConnecting() async throws {
        let peer = try StalledListener()
        defer { peer.close() }
        // The run ends after 1 s with every flow still connecting; their connects time out at
        // 6 s, after the run's own cutoff (time limit + response timeout + 1 s) and more.
        let runner = GeneratorRunner(port: peer.port) {
            $0.flowProtocol = .tcp
            $0.pattern = .random
            $0.rate = 20
            $0.maxConcurrent = 100
            $0.timeLimit = .seconds(1)
            $0.connectTimeout = .seconds(6)
        }
        let (service, _) = runner.makeService()
        try await service.run()
        let total = service.statistics.snapshot().total
        #expect(total.flowsStarted > 0)
        #expect(total.flowsStarted == total.flowsCompleted + total.flowsFailed, "\(total)")
        #expect(total.failures[FlowFailureReason.connectTimeout.rawValue] == total.flowsStarted, "\(total)")
        #expect(service.statistics.unsettledFlows == 0)
    }
}
