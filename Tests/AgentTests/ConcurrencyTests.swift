import FlowTestShared
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Holding as many connections as the descriptor limit allows: 20,000 per process on these
/// machines, so a generator process and an echo process each hold 18,500 (the rest is reserve).
@Suite("Many concurrent flows", .serialized)
struct ConcurrencyTests {
    @Test func echoAndGeneratorHoldEighteenThousandFiveHundredConnections() async throws {
        // 18,500 of the 19,744 the descriptor budget allows (20,000 less the reserve), leaving room
        // for the flows that are ending at any moment.
        let flows = 18_500
        let port = try await FreePort.tcp()
        let metricsPort = try await FreePort.tcp()
        let echo = try AgentProcess([
            "echo", "--tcp-ports", String(port), "--udp-ports", "", "--metrics-port", String(metricsPort),
        ])
        try await AgentProcess.waitUntilReady(metricsPort: metricsPort)
        let baselineRSS = try ResidentMemory.kibibytes(of: echo.process.processIdentifier)
        // Constant pattern: 18,500 flows open once the first has lived 18,500 / 1,000 = 18.5 s. The
        // rates suit a debug build on two cores shared by both processes; few flows end before the
        // limit, so ephemeral ports are not churned (the benchmarks push rates, not this test).
        let generator = try AgentProcess([
            "generate", "--target", "127.0.0.1", "--tcp-ports", String(port), "--protocol", "tcp", "--metrics-port", "0",
            "--pattern", "constant", "--rate", "1000", "--max-concurrent", String(flows), "--message-interval", "10s",
            "--response-timeout", "10s", "--time-limit", "19s", "--connect-timeout", "10s",
        ])
        var peak = 0.0
        var rssAtPeak = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            guard let body = try? await HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/metrics").body,
                let active = PrometheusText(body).value("flowtest_echo_connections_active", ["protocol": "tcp"])
            else { continue }
            if active > peak {
                peak = active
                rssAtPeak = (try? ResidentMemory.kibibytes(of: echo.process.processIdentifier)) ?? 0
            }
        }
        let result = await generator.finish()
        echo.signal(SIGTERM)
        _ = await echo.finish()
        #expect(result.code == 0, "\(result.err.suffix(2000))")
        let summary = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any]
        let counters = (summary["total"] as! [String: Any])["counters"] as! [String: Any]
        #expect(counters["flowsFailed"] as? Int == 0, "\(counters)\n\(result.err.suffix(1500))")
        #expect((summary["peakActiveFlows"] as! Int) >= flows)
        // Sampled 4 times a second while 1,000 connections a second open and close: a few may be
        // mid-handshake at the sampled instant.
        #expect(peak >= Double(flows) * 0.995, "the echo held \(peak) connections at most")
        let perConnection = Double(rssAtPeak - baselineRSS) * 1024 / max(peak, 1)
        print("echo held \(Int(peak)) connections; resident memory \(baselineRSS) KiB → \(rssAtPeak) KiB, \(Int(perConnection)) bytes per connection")
    }
}

/// Reads a process's resident set size from /proc.
enum ResidentMemory {
    static func kibibytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
