import FlowTestShared
import Testing
@testable import FlowTestAgent

@Suite("UDP quality: loss, duplicates and reordering against a peer that impairs on purpose")
struct UDPQualityTests {
    @Test func lossDuplicatesAndReorderingAreCountedExactly() async throws {
        let peer = try await ImpairingUDPPeer.start()
        let runner = GeneratorRunner(port: peer.port) {
            $0.flowProtocol = .udp
            $0.pattern = .constant
            $0.rate = 1
            $0.maxConcurrent = 1
            $0.flowCount = 1
            $0.messageInterval = .milliseconds(5)
        }
        let report = try await runner.run()
        let udp = try #require(report.udp).counters
        let sent = UInt32(udp.messagesSent)
        #expect(sent > 100, "one flow of 1 s at 5 ms intervals")
        let sequences = 0..<sent
        let last = sent - 1
        // The last held datagram has no later one to release it: it is lost too.
        let delivered = sequences.filter { !ImpairingUDPPeer.isDropped($0) && !(ImpairingUDPPeer.isHeld($0) && $0 == last) }
        #expect(udp.udpLost == UInt64(sent) - UInt64(delivered.count))
        #expect(udp.udpDuplicates == UInt64(delivered.filter(ImpairingUDPPeer.isDuplicated).count))
        #expect(udp.udpReordered == UInt64(delivered.filter(ImpairingUDPPeer.isHeld).count))
        #expect(udp.messagesReceived == UInt64(delivered.count))
        #expect(udp.udpJitterFlows == 1)
        #expect(report.udp!.udpLossRatio == Double(udp.udpLost) / Double(sent))
        #expect(udp.flowsCompleted == 1)
        await peer.stop()
    }
}
