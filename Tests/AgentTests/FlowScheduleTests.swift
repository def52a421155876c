import FlowTestShared
import Testing
@testable import FlowTestAgent

@Suite("Flow schedule: start times, lifetimes, transports and ports")
struct FlowScheduleTests {
    private func schedule(_ pattern: FlowPattern, rate: Double = 100, maxConcurrent: Int = 50, seed: UInt64 = 1) -> FlowSchedule {
        FlowSchedule(
            pattern: pattern, rate: rate, maxConcurrent: maxConcurrent, minDuration: .seconds(1), maxDuration: .seconds(3),
            protocol: .both, tcpPorts: [80, 81], udpPorts: [53], seed: seed)
    }

    @Test func constantStartsExactlyRatePerSecondAndLivesMaxConcurrentOverRate() {
        let flows = Array(schedule(.constant).prefix(1000))
        #expect(flows[0].start == .zero)
        #expect(flows[100].start == .seconds(1))
        #expect(flows[999].start == .seconds(9.99))
        #expect(flows.allSatisfy { $0.lifetime == .milliseconds(500) })
        // In steady state a start coincides with the end of the flow started maxConcurrent earlier.
        #expect(flows[50].start == flows[0].start + flows[0].lifetime)
    }

    @Test func randomIsPoissonWithUniformLifetimes() {
        let flows = Array(schedule(.random).prefix(20_000))
        let span = flows.last!.start.seconds
        let meanRate = Double(flows.count - 1) / span
        #expect(abs(meanRate - 100) < 3, "Poisson arrivals average the rate (got \(meanRate))")
        #expect(flows.allSatisfy { (1...3).contains($0.lifetime.seconds) })
        let meanLifetime = flows.map(\.lifetime.seconds).reduce(0, +) / Double(flows.count)
        #expect(abs(meanLifetime - 2) < 0.05)
        // Exponential gaps: about 1/e of them exceed the mean gap.
        let gaps = zip(flows.dropFirst(), flows).map { ($0.start - $1.start).seconds }
        let longGaps = Double(gaps.filter { $0 > 0.01 }.count) / Double(gaps.count)
        #expect(abs(longGaps - 0.3679) < 0.02)
    }

    @Test func aSeedReproducesTheRun() {
        #expect(Array(schedule(.random, seed: 9).prefix(100)) == Array(schedule(.random, seed: 9).prefix(100)))
        #expect(Array(schedule(.random, seed: 9).prefix(100)) != Array(schedule(.random, seed: 10).prefix(100)))
    }

    @Test func transportsAlternateAndPortsRotate() {
        let flows = Array(schedule(.constant).prefix(6))
        #expect(flows.map(\.transport) == [.tcp, .udp, .tcp, .udp, .tcp, .udp])
        #expect(flows.map(\.port) == [80, 53, 81, 53, 80, 53])
    }

    /// Pods mode's full mesh: with several targets, every (target, port) pair gets the same share
    /// of each transport's flows, also when the counts share a factor (2 targets, 2 TCP ports).
    @Test(arguments: [1, 2, 3])
    func severalTargetsGetEveryPortInTurn(targets: Int) {
        let schedule = FlowSchedule(
            pattern: .constant, rate: 100, maxConcurrent: 10, minDuration: .seconds(1), maxDuration: .seconds(1),
            protocol: .both, tcpPorts: [80, 81], udpPorts: [53], seed: 1)
        let flows = Array(schedule.prefix(120 * targets))
        for transport in Transport.allCases {
            let ofTransport = flows.filter { $0.transport == transport }
            var pairs: [String: Int] = [:]
            for flow in ofTransport { pairs["\(flow.target % targets)/\(flow.port)", default: 0] += 1 }
            let ports = transport == .tcp ? 2 : 1
            #expect(pairs.count == targets * ports, "\(transport): \(pairs)")
            #expect(Set(pairs.values).count == 1, "\(transport): \(pairs)")
        }
    }
}
